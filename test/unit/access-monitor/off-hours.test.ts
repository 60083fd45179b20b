import { describe, expect, it } from 'vitest';
import { offHours } from '../../../services/access-monitor/detectors/off-hours.ts';
import { accessWorld, bytesPerPrincipal, expectContract, onEntity, runAll } from './access-fixtures.ts';

const world = accessWorld(2, 5, [
  { name: 'secret-night-read', start: '+3d2h' },
  { name: 'benign-new-employee', start: '+1d10h' },
  { name: 'benign-nightly-job', start: '+1d1h' },
]);

describe('access.off_hours', () => {
  const straight = runAll(offHours, world.events);
  const label = world.labels.find((l) => l.name === 'secret-night-read')!;

  it('finds the night-time secret reads of an office-hours analyst', () => {
    const found = onEntity(straight.findings, label.entity.id);
    expect(found.length).toBeGreaterThan(0);
    const f = found[0]!;
    expectContract(f);
    expect(f.explanation.sensitivity).toBe('restricted secret');
    expect(Number(f.explanation.observed)).toBeGreaterThan(Number(f.explanation.expected));
    expect(f.techniques).toEqual(['T1078']);
  });

  it('stays silent on 24/7 service accounts, agents, the new hire, the new nightly job and everyone else', () => {
    const others = straight.findings.filter((f) => f.finding.entity.id !== label.entity.id);
    expect(others.map((f) => `${f.finding.entity.id}: ${f.finding.description}`)).toEqual([]);
    const services = new Set(world.events.filter((e) => e.principal_type !== 'user').map((e) => e.principal));
    expect(services.size).toBeGreaterThan(10);
  });

  it('gives the same findings after a restart mid-stream', () => {
    const restarted = runAll(offHours, world.events, {}, Math.floor(world.events.length * 0.7));
    expect(restarted.findings).toEqual(straight.findings);
  });

  it('keeps under 2 KiB of state per principal', () => {
    const principals = new Set(world.events.map((e) => e.principal)).size;
    expect(bytesPerPrincipal(straight.runner, principals)).toBeLessThan(2048);
  });
});
