import { describe, expect, it } from 'vitest';
import { crossTenant } from '../../../services/access-monitor/detectors/cross-tenant.ts';
import type { AccessEvent } from '../../../shared/events/types.ts';
import { EMPTY_ENVIRONMENT } from '../../../shared/pipeline/environment.ts';
import { PartitionState } from '../../../shared/pipeline/partition-state.ts';
import { Processor } from '../../../shared/pipeline/processor.ts';
import { resolveDetectors } from '../../../shared/pipeline/registry.ts';
import type { Alert } from '../../../shared/events/types.ts';
import { EventClock, accessEvent } from '../../harness/events.ts';

const detector = (section: Record<string, unknown> = {}) => {
  const [resolved] = resolveDetectors([crossTenant], { 'access.cross_tenant': section });
  return crossTenant.create(
    resolved!.config,
    new PartitionState().namespace('access.cross_tenant'),
    EMPTY_ENVIRONMENT,
  );
};
const at = (ts: number) => ({ eventTime: ts, watermark: ts, emit: () => undefined });

function quietTraffic(clock: EventClock, n: number): AccessEvent[] {
  return Array.from({ length: n }, (_, i) =>
    accessEvent(clock.advance(1000), { principal: `svc-${i % 7}`, resource: `acme/ds/${i % 13}` }),
  );
}

describe('access.cross_tenant', () => {
  it('stays quiet on same-tenant traffic and on events without an owner tenant', () => {
    const d = detector();
    const clock = new EventClock();
    for (const e of quietTraffic(clock, 500)) expect(d.update(e, at(e.ts))).toBeNull();
    expect(d.update(accessEvent(clock, { resource_tenant: undefined }), at(clock.nowMs))).toBeNull();
  });

  it('alerts on a crossing with an explanation built from what was observed', () => {
    const d = detector();
    const clock = new EventClock();
    const e = accessEvent(clock, {
      resource_tenant: 'globex',
      resource: 'globex/vectors/support',
      sensitivity: 'restricted',
    });
    const f = d.update(e, at(e.ts));
    expect(f).not.toBeNull();
    expect(f!.severity).toBe('critical');
    expect(f!.entity).toEqual({ type: 'principal', id: 'svc-etl' });
    expect(f!.explanation).toMatchObject({
      observed: 'globex',
      expected: 'acme',
      statistic: 'tenant boundary rule',
    });
    expect(f!.description).toContain('globex/vectors/support');
    expect(f!.description).toContain('"globex"');
  });

  it('grades a denied crossing high rather than critical, and honours allowed pairs and ignore_denied', () => {
    const clock = new EventClock();
    const denied = accessEvent(clock, { resource_tenant: 'globex', outcome: 'denied' });
    expect(detector().update(denied, at(denied.ts))!.severity).toBe('high');
    expect(detector({ ignore_denied: true }).update(denied, at(denied.ts))).toBeNull();
    const allowed = accessEvent(clock, { resource_tenant: 'shared' });
    expect(detector({ allowed_pairs: ['acme->shared'] }).update(allowed, at(allowed.ts))).toBeNull();
  });

  it('rejects a malformed allowed pair at config time, naming the key', () => {
    expect(() =>
      resolveDetectors([crossTenant], { 'access.cross_tenant': { allowed_pairs: ['acme'] } }),
    ).toThrow(/detectors\.access\.cross_tenant\.allowed_pairs\.0/);
  });

  it('gives the same alerts when snapshotted and restored mid-stream', () => {
    const resolved = resolveDetectors([crossTenant], {});
    const clock = new EventClock();
    const events = quietTraffic(clock, 200);
    events.splice(50, 0, accessEvent(clock, { ts: events[49]!.ts + 1, resource_tenant: 'globex' }));
    events.splice(150, 0, accessEvent(clock, { ts: events[149]!.ts + 1, resource_tenant: 'initech' }));

    const straight = new Map<string, Alert>();
    new Processor(resolved).process(events, 0, straight);

    const split = new Map<string, Alert>();
    const first = new Processor(resolved);
    first.process(events.slice(0, 100), 0, split);
    const second = new Processor(resolved);
    second.load(JSON.parse(JSON.stringify(first.exportState())) as ReturnType<Processor['exportState']>);
    second.process(events.slice(100), 0, split);

    expect(straight.size).toBe(2);
    expect([...split.values()]).toEqual([...straight.values()]);
  });
});
