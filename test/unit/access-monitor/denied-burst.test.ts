import { describe, expect, it } from 'vitest';
import { deniedBurst } from '../../../services/access-monitor/detectors/denied-burst.ts';
import type { AccessEvent } from '../../../shared/events/types.ts';
import { DetectorRunner } from '../../harness/detector-runner.ts';
import { accessWorld, bytesPerPrincipal, expectContract, onEntity, runAll } from './access-fixtures.ts';

const world = accessWorld(4, 3, [{ name: 'denied-burst', start: '+2d11h' }]);

describe('access.denied_burst', () => {
  const straight = runAll(deniedBurst, world.events);
  const label = world.labels.find((l) => l.name === 'denied-burst')!;

  it('finds the permission probing within its first few denials', () => {
    const found = straight.findings.filter((f) => f.finding.entity.id === label.entity.id);
    expect(found.length).toBeGreaterThan(10);
    const first = found[0]!;
    expect(world.events[first.index]!.ts - Date.parse(label.start)).toBeLessThan(60_000);
    expectContract(first.finding);
    expect(first.finding.explanation.observed).toBeGreaterThanOrEqual(3);
    expect(first.finding.sampleEventIds!.length).toBeGreaterThanOrEqual(3);
    expect(first.finding.techniques).toEqual(['T1069.003', 'T1078']);
  });

  it('stays silent on the single mistyped denials of the rest of the world', () => {
    const denied = world.events.filter((e) => e.outcome === 'denied' && e.principal !== label.entity.id);
    expect(denied.length).toBeGreaterThan(5);
    const others = straight.findings.filter((f) => f.finding.entity.id !== label.entity.id);
    expect(others).toEqual([]);
    expect(onEntity(straight.findings, 'nobody')).toEqual([]);
  });

  it('gives the same findings after a restart mid-stream, even inside the burst', () => {
    const inBurst = straight.findings.find((f) => f.finding.entity.id === label.entity.id)!.index + 2;
    expect(runAll(deniedBurst, world.events, {}, inBurst).findings).toEqual(straight.findings);
    expect(runAll(deniedBurst, world.events, {}, 1000).findings).toEqual(straight.findings);
  });

  it('keeps under 2 KiB of state per principal', () => {
    const principals = new Set(world.events.map((e) => e.principal)).size;
    expect(bytesPerPrincipal(straight.runner, principals)).toBeLessThan(2048);
  });

  it('judges against the principal’s own rate: an often-denied job stays quiet on a handful', () => {
    let n = 0;
    let t = Date.parse('2026-03-02T00:00:00Z');
    const ev = (principal: string, denied: boolean): AccessEvent => ({
      type: 'access',
      event_id: `d${++n}`,
      ts: (t += 10_000),
      tenant: 'acme',
      principal,
      role: 'service',
      action: 'read',
      resource: 'acme/dataset/x',
      outcome: denied ? 'denied' : 'allowed',
    });
    const runner = new DetectorRunner(deniedBurst);
    // Three days: "flaky" is denied every 4th call, its five peers never.
    const clean = ['clean-1', 'clean-2', 'clean-3', 'clean-4', 'clean'];
    for (let i = 0; i < 3 * 24 * 60; i++) {
      runner.update(ev('flaky', i % 4 === 0));
      for (const p of clean) runner.update(ev(p, false));
    }
    const burst = (p: string) => [0, 1, 2, 3].flatMap(() => runner.update(ev(p, true)));
    expect(burst('flaky')).toEqual([]);
    expect(burst('clean').length).toBeGreaterThan(0);
  });
});
