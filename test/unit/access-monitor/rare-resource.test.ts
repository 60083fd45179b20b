import { describe, expect, it } from 'vitest';
import { prefixOf } from '../../../services/access-monitor/detectors/rare-resource-items.ts';
import { rareResource } from '../../../services/access-monitor/detectors/rare-resource.ts';
import { accessWorld, bytesPerPrincipal, expectContract, onEntity, runAll } from './access-fixtures.ts';

const world = accessWorld(8, 4, [
  { name: 'secret-night-read', start: '+2d1h30m' },
  { name: 'benign-new-employee', start: '+1d10h' },
  { name: 'benign-nightly-job', start: '+1d1h' },
]);

describe('access.rare_resource', () => {
  const straight = runAll(rareResource, world.events);
  const label = world.labels.find((l) => l.name === 'secret-night-read')!;

  it('alerts critical on an analyst reading restricted secrets no analyst touches', () => {
    const found = onEntity(straight.findings, label.entity.id);
    expect(found.length).toBeGreaterThan(0);
    const f = found[0]!;
    expectContract(f);
    expect(f.severity).toBe('critical');
    expect(f.explanation.novelty).toBe('type');
    expect(f.explanation.resource_type).toBe('secret');
    expect(f.techniques).toContain('T1555.006');
    expect(Number(f.explanation.principal_set_false_positive_rate)).toBeLessThan(0.01);
  });

  it("stays silent on the new hire's first days, the new job and the rest of the world", () => {
    const others = straight.findings.filter((f) => f.finding.entity.id !== label.entity.id);
    expect(others.map((f) => `${f.finding.entity.id}: ${f.finding.description}`)).toEqual([]);
  });

  it('gives the same findings after a restart mid-stream', () => {
    const restarted = runAll(rareResource, world.events, {}, Math.floor(world.events.length / 3));
    expect(restarted.findings).toEqual(straight.findings);
  });

  it('keeps under 2 KiB of state per principal', () => {
    const principals = new Set(world.events.map((e) => e.principal)).size;
    const perPrincipal = straight.runner
      .stats()
      .filter((s) => s.store.endsWith('/principal'))
      .map((s) => s.keys);
    expect(perPrincipal[0]).toBe(principals);
    // Role sets are per role (a handful), so the per-principal share stays small.
    expect(bytesPerPrincipal(straight.runner, principals)).toBeLessThan(2048);
  });

  it('takes the prefix of a path', () => {
    expect(prefixOf('acme/secret/hr-12')).toBe('acme/secret/');
    expect(prefixOf('s3://bucket/a/b.parquet')).toBe('s3://bucket/a/');
    expect(prefixOf('flat-name')).toBeNull();
  });
});
