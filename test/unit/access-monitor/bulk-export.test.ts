import { describe, expect, it } from 'vitest';
import { bulkExport } from '../../../services/access-monitor/detectors/bulk-export.ts';
import type { AccessEvent, Sensitivity } from '../../../shared/events/types.ts';
import { DetectorRunner } from '../../harness/detector-runner.ts';
import { accessWorld, bytesPerPrincipal, expectContract, onEntity, runAll } from './access-fixtures.ts';

const world = accessWorld(6, 4, [
  { name: 'vector-bulk-export', start: '+2d15h' },
  { name: 'benign-nightly-job', start: '+1d1h' },
  { name: 'benign-new-employee', start: '+1d10h' },
]);

describe('access.bulk_export', () => {
  const straight = runAll(bulkExport, world.events);
  const label = world.labels.find((l) => l.name === 'vector-bulk-export')!;

  it('finds the agent exporting its vector index, within minutes', () => {
    const found = onEntity(straight.findings, label.entity.id);
    expect(found.length).toBeGreaterThan(0);
    const first = straight.findings.find((f) => f.finding.entity.id === label.entity.id)!;
    expect(world.events[first.index]!.ts - Date.parse(label.start)).toBeLessThan(10 * 60_000);
    const f = found[0]!;
    expectContract(f);
    expect(f.explanation.class).toBe('export vector_index');
    expect(f.explanation.baseline_source).toBe('own reads of the type');
    expect(f.techniques).toEqual(['T1530', 'T1567']);
  });

  it('stays silent on everyone else, the new nightly job and the new hire included', () => {
    const others = straight.findings.filter((f) => f.finding.entity.id !== label.entity.id);
    expect(others.map((f) => `${f.finding.entity.id}: ${f.finding.description}`)).toEqual([]);
  });

  it('gives the same findings after a restart mid-stream', () => {
    const restarted = runAll(bulkExport, world.events, {}, Math.floor(world.events.length * 0.6));
    expect(restarted.findings).toEqual(straight.findings);
  });

  it('keeps under 2 KiB of state per principal', () => {
    const principals = new Set(world.events.map((e) => e.principal)).size;
    expect(bytesPerPrincipal(straight.runner, principals)).toBeLessThan(2048);
  });
});

describe('access.bulk_export weighs sensitivity', () => {
  const exportsUntilAlert = (sensitivity: Sensitivity): number => {
    const runner = new DetectorRunner(bulkExport, { learning_minutes: 0 });
    let t = Date.parse('2026-03-02T09:00:00Z');
    let n = 0;
    const ev = (action: AccessEvent['action'], bytes: number): AccessEvent => ({
      type: 'access',
      event_id: `b${++n}`,
      ts: (t += 60_000),
      tenant: 'acme',
      principal: 'agent-1',
      role: 'agent',
      action,
      resource: 'acme/vector-index/kb',
      resource_type: 'vector_index',
      sensitivity,
      bytes,
      outcome: 'allowed',
    });
    // Normal: queries of ~100 kB (±×2).
    for (let i = 0; i < 200; i++) runner.update(ev('query', 1e5 * (i % 2 === 0 ? 0.6 : 1.6)));
    for (let i = 1; i <= 20; i++) if (runner.update(ev('export', 2e7)).length > 0) return i;
    return Infinity;
  };

  it('alerts after fewer large exports of restricted data than of public data', () => {
    const restricted = exportsUntilAlert('restricted');
    const pub = exportsUntilAlert('public');
    expect(restricted).toBeLessThan(pub);
    expect(restricted).toBeLessThanOrEqual(3);
  });
});
