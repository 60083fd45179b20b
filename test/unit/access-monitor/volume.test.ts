import { describe, expect, it } from 'vitest';
import { volume } from '../../../services/access-monitor/detectors/volume.ts';
import type { AccessEvent } from '../../../shared/events/types.ts';
import { DetectorRunner } from '../../harness/detector-runner.ts';
import { accessWorld, bytesPerPrincipal, expectContract, onEntity, runAll } from './access-fixtures.ts';

const world = accessWorld(5, 4, [
  { name: 'exfil-service-account', start: '+2d10h' },
  { name: 'benign-nightly-job', start: '+1d1h' },
  { name: 'benign-new-employee', start: '+1d10h' },
]);
const label = (name: string) => world.labels.find((l) => l.name === name)!;

describe('access.volume', () => {
  const straight = runAll(volume, world.events);

  it('finds the exfiltrating service account, with the evidence filled', () => {
    const exfil = label('exfil-service-account');
    const found = onEntity(straight.findings, exfil.entity.id).filter(
      (f) => f.explanation.window !== 'per read',
    );
    expect(found.length).toBeGreaterThan(0);
    const f = found[0]!;
    expectContract(f);
    expect(f.entity).toEqual({ type: 'principal', id: exfil.entity.id });
    expect(Number(f.explanation.observed)).toBeGreaterThan(5 * Number(f.explanation.expected));
    expect(f.explanation.expected_range).toHaveLength(2);
    expect(f.techniques).toEqual(['T1530', 'T1213']);
  });

  it('stays silent on the new nightly job, the new hire and the rest of the world', () => {
    const exfil = label('exfil-service-account').entity.id;
    const others = straight.findings.filter((f) => f.finding.entity.id !== exfil);
    expect(others.map((f) => `${f.finding.entity.id}: ${f.finding.description}`)).toEqual([]);
  });

  it('gives the same findings after a restart mid-stream', () => {
    const half = Math.floor(world.events.length / 2);
    const restarted = runAll(volume, world.events, {}, half);
    expect(restarted.findings).toEqual(straight.findings);
  });

  it('keeps under 2 KiB of state per principal', () => {
    const principals = new Set(world.events.map((e) => e.principal)).size;
    expect(bytesPerPrincipal(straight.runner, principals)).toBeLessThan(2048);
  });
});

describe('access.volume: 20 GB is normal for a nightly job, not for an account that reads megabytes', () => {
  const H = 3_600_000;
  const start = Date.parse('2026-03-02T00:00:00Z');
  let n = 0;
  let seed = 7;
  const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const read = (principal: string, ts: number, bytes: number): AccessEvent => ({
    type: 'access',
    event_id: `v${++n}`,
    ts,
    tenant: 'acme',
    principal,
    principal_type: 'service',
    role: 'service',
    action: 'read',
    resource: `acme/dataset/${principal}-${n % 4}`,
    resource_type: 'dataset',
    sensitivity: 'internal',
    bytes: Math.round(bytes),
    records: Math.round(bytes / 500),
    outcome: 'allowed',
  });
  const events: AccessEvent[] = [];
  for (let day = 0; day < 12; day++) {
    // The nightly job: 40 reads of ~500 MB (20 GB) around 02:00.
    for (let i = 0; i < 40; i++)
      events.push(read('svc-nightly', start + day * 24 * H + 2 * H + i * 30_000, 5e8 * (0.7 + 0.6 * rand())));
    // Hourly jobs that read megabytes.
    for (let h = 0; h < 24; h++) {
      for (const p of ['svc-small', 'svc-a', 'svc-b', 'svc-c']) {
        for (let i = 0; i < 5; i++)
          events.push(
            read(
              p,
              start + day * 24 * H + h * H + 60_000 * (5 * i + 1 + (p.length % 3)),
              1e6 * (0.5 + rand()),
            ),
          );
      }
    }
  }
  // Night 13: both read 20 GB at 02:00.
  const night = start + 12 * 24 * H + 2 * H;
  for (const p of ['svc-nightly', 'svc-small']) {
    for (let i = 0; i < 40; i++) events.push(read(p, night + i * 30_000 + (p === 'svc-small' ? 1 : 0), 5e8));
  }
  events.sort((a, b) => a.ts - b.ts);

  it('alerts on svc-small only', () => {
    const runner = new DetectorRunner(volume, { learning_minutes: 0 });
    const found = events.flatMap((e) => runner.update(e));
    expect(new Set(found.map((f) => f.entity.id))).toEqual(new Set(['svc-small']));
    expect(found[0]!.severity).toBe('critical');
  });
});
