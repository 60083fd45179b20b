import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AccessEvent, Alert } from '../../../shared/events/types.ts';
import { defineDetector, type Detector, type Finding } from '../../../shared/pipeline/detector.ts';
import type { DetectorState, KeyedState } from '../../../shared/pipeline/keyed-state.ts';
import { Processor, type DetectorFailure } from '../../../shared/pipeline/processor.ts';
import { resolveDetectors } from '../../../shared/pipeline/registry.ts';
import { EventClock, accessEvent } from '../../harness/events.ts';

/** Counts bytes per principal and flags a principal once it passes a limit; throws on a marker. */
class ByteCounter implements Detector<AccessEvent> {
  private readonly totals: KeyedState<number>;
  constructor(
    private readonly limit: number,
    state: DetectorState,
  ) {
    this.totals = state.keyed<number>('totals');
  }
  update(e: AccessEvent): Finding | null {
    if (e.resource === 'boom') throw new Error('boom');
    const total = (this.totals.peek(e.principal) ?? 0) + (e.bytes ?? 0);
    this.totals.put(e.principal, total);
    if (total <= this.limit) return null;
    return {
      entity: { type: 'principal', id: e.principal },
      severity: total > this.limit * 2 ? 'high' : 'low',
      score: Math.min(100, (total / this.limit) * 40),
      title: 'bytes',
      description: `${total} bytes > ${this.limit}`,
      explanation: {
        statistic: 'sum',
        observed: total,
        expected: this.limit,
        threshold: this.limit,
        window: 'all',
      },
    };
  }
}

const byteCounter = defineDetector({
  id: 'access.test_bytes',
  eventType: 'access',
  category: 'exfiltration',
  description: 'test',
  config: { limit_bytes: z.number().default(10_000).describe('limit') },
  create: (c, state) => new ByteCounter(c.limit_bytes, state),
});

const viaJson = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/** Counts the alerts of other detectors per principal; raises its own on every second one. */
const echo = defineDetector({
  id: 'access.test_echo',
  eventType: 'access',
  category: 'access',
  description: 'test correlator',
  config: {},
  create: (_c, state) => {
    const seen = state.keyed<number>('seen');
    return {
      update: () => null,
      onAlert(alert: Readonly<Alert>): Finding | null {
        const n = (seen.peek(alert.entity.id) ?? 0) + 1;
        seen.put(alert.entity.id, n);
        if (n % 2 !== 0) return null;
        return {
          entity: alert.entity,
          severity: 'high',
          score: 90,
          title: `echo ${n}`,
          description: `seen ${n}`,
          explanation: { statistic: 'count', observed: n, expected: 1, threshold: 2, window: 'all' },
          related: [alert.alert_id],
        };
      },
    };
  },
});

/** Emits one extra finding per event on a `split` resource. */
const twin = defineDetector({
  id: 'access.test_twin',
  eventType: 'access',
  category: 'access',
  description: 'test emitter',
  config: {},
  create: () => ({
    update(e: AccessEvent, ctx): Finding | null {
      if (e.resource !== 'split') return null;
      const base = {
        severity: 'low' as const,
        score: 10,
        title: 't',
        description: 'd',
        explanation: { statistic: 's', observed: 1, expected: 0, threshold: 1, window: 'w' },
      };
      ctx.emit({ ...base, entity: { type: 'principal', id: `${e.principal}-b` } });
      return { ...base, entity: { type: 'principal', id: `${e.principal}-a` } };
    },
  }),
});

describe('Processor', () => {
  it('applies config defaults, min_severity and enabled', () => {
    const clock = new EventClock();
    const events = [accessEvent(clock, { bytes: 15_000 }), accessEvent(clock.advance(1), { bytes: 10_000 })];
    const all = new Map<string, Alert>();
    new Processor(resolveDetectors([byteCounter], {})).process(events, 0, all);
    expect([...all.values()][0]!.severity).toBe('high');

    const highOnly = new Map<string, Alert>();
    const p = new Processor(
      resolveDetectors([byteCounter], { 'access.test_bytes': { min_severity: 'high' } }),
    );
    p.process(events, 0, highOnly);
    expect([...highOnly.values()][0]!.event_count).toBe(1);

    const off = new Processor(resolveDetectors([byteCounter], { 'access.test_bytes': { enabled: false } }));
    expect(off.detectorIds).toEqual([]);
  });

  it('only learns during learning_minutes of event time, also across a restore', () => {
    const resolved = resolveDetectors([byteCounter], { 'access.test_bytes': { learning_minutes: 30 } });
    const clock = new EventClock();
    const early = [
      accessEvent(clock, { bytes: 50_000 }),
      accessEvent(clock.advance(10 * 60_000), { bytes: 1 }),
    ];
    const changed = new Map<string, Alert>();
    const first = new Processor(resolved);
    first.process(early, 0, changed);
    expect(changed.size).toBe(0);
    const second = new Processor(resolved);
    second.load(viaJson(first.exportState()));
    second.process([accessEvent(clock.advance(10 * 60_000), { bytes: 1 })], 0, changed);
    expect(changed.size).toBe(0);
    second.process([accessEvent(clock.advance(11 * 60_000), { bytes: 1 })], 0, changed);
    expect(changed.size).toBe(1);
  });

  it('reconfigures a running detector, keeping its baseline; disabling removes it', () => {
    const clock = new EventClock();
    const p = new Processor(resolveDetectors([byteCounter], {}));
    const changed = new Map<string, Alert>();
    p.process([accessEvent(clock, { bytes: 8_000 })], 0, changed);
    expect(changed.size).toBe(0);
    const [lower] = resolveDetectors([byteCounter], { 'access.test_bytes': { limit_bytes: 5_000 } });
    p.reconfigure(lower!);
    // 8,000 already counted + 1 = over the new 5,000 limit: the total was carried over.
    p.process([accessEvent(clock.advance(1000), { bytes: 1 })], 0, changed);
    expect([...changed.values()][0]!.evidence.observed).toBe(8_001);
    const [off] = resolveDetectors([byteCounter], { 'access.test_bytes': { enabled: false } });
    p.reconfigure(off!);
    expect(p.detectorIds).toEqual([]);
  });

  it('reports a throwing detector and keeps going', () => {
    const clock = new EventClock();
    const failures: DetectorFailure[] = [];
    const changed = new Map<string, Alert>();
    new Processor(resolveDetectors([byteCounter], {})).process(
      [accessEvent(clock, { resource: 'boom' }), accessEvent(clock, { bytes: 20_001 })],
      0,
      changed,
      failures,
    );
    expect(failures).toHaveLength(1);
    expect(failures[0]!.detector).toBe('access.test_bytes');
    expect(changed.size).toBe(1);
  });

  it('snapshot and restore mid-stream give the same alerts as an uninterrupted run', () => {
    const resolved = resolveDetectors([byteCounter], {});
    const clock = new EventClock();
    const events = Array.from({ length: 300 }, (_, i) =>
      accessEvent(clock.advance(30_000), { principal: `p${i % 5}`, bytes: 100 + i * 7 }),
    );
    const straight = new Map<string, Alert>();
    new Processor(resolved).process(events, 0, straight);
    const split = new Map<string, Alert>();
    const a = new Processor(resolved);
    a.process(events.slice(0, 137), 0, split);
    const b = new Processor(resolved);
    b.load(viaJson(a.exportState()));
    b.process(events.slice(137), 0, split);
    expect(straight.size).toBeGreaterThan(0);
    expect([...split.values()]).toEqual([...straight.values()]);
  });

  it('rejects unknown detector ids and bad values, listing every problem', () => {
    let message = '';
    try {
      resolveDetectors([byteCounter], {
        'access.nope': {},
        'access.test_bytes': { limit_bytes: 'x', extra: 1 },
      });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('detectors.access.nope: unknown detector id');
    expect(message).toContain('detectors.access.test_bytes.limit_bytes');
    expect(message).toMatch(/detectors\.access\.test_bytes.*extra/);
  });

  it('sets late events aside, by the partition watermark and the allowed lateness', () => {
    const clock = new EventClock();
    const p = new Processor(resolveDetectors([byteCounter], {}), { allowedLatenessMs: 60_000 });
    const late: AccessEvent[] = [];
    const changed = new Map<string, Alert>();
    const t0 = clock.nowMs;
    p.process(
      [accessEvent(clock.advance(5 * 60_000)), accessEvent(clock, { ts: t0 + 4.5 * 60_000 })],
      0,
      changed,
      [],
      late,
    );
    expect(late).toHaveLength(0);
    p.process([accessEvent(clock, { ts: t0 + 3 * 60_000 })], 0, changed, [], late);
    expect(late.map((e) => e.ts)).toEqual([t0 + 3 * 60_000]);
    expect(p.watermarkMs).toBe(t0 + 5 * 60_000);
  });

  it('raises every finding an event emits', () => {
    const clock = new EventClock();
    const changed = new Map<string, Alert>();
    new Processor(resolveDetectors([twin], {})).process(
      [accessEvent(clock, { resource: 'split' })],
      0,
      changed,
    );
    expect([...changed.values()].map((a) => a.entity.id).sort()).toEqual(['svc-etl-a', 'svc-etl-b']);
  });

  it('feeds correlating detectors the alerts in event order, whatever the batches', () => {
    const resolved = resolveDetectors([byteCounter, echo], {
      'access.test_bytes': { limit_bytes: 1000, suppression_minutes: 0 },
    });
    const clock = new EventClock();
    const events = Array.from({ length: 120 }, (_, i) =>
      accessEvent(clock.advance(61_000), { principal: `p${i % 3}`, bytes: 300 }),
    );
    const once = new Map<string, Alert>();
    new Processor(resolved).process(events, 0, once);
    const split = new Map<string, Alert>();
    const p = new Processor(resolved);
    for (const [from, to] of [
      [0, 7],
      [7, 50],
      [50, 51],
      [51, 120],
    ] as const)
      p.process(events.slice(from, to), 0, split);
    const echoes = [...once.values()].filter((a) => a.detector === 'access.test_echo');
    expect(echoes.length).toBeGreaterThan(0);
    expect(echoes[0]!.related.length).toBeGreaterThan(1);
    const byId = (m: Map<string, Alert>) =>
      [...m.values()].sort((a, b) => a.alert_id.localeCompare(b.alert_id));
    expect(byId(split)).toEqual(byId(once));
  });
});
