import { describe, expect, it } from 'vitest';
import type { AccessEvent } from '../../../shared/events/types.ts';
import { alertId, applyFinding, type Episode } from '../../../shared/pipeline/alert-tracker.ts';
import type { Finding } from '../../../shared/pipeline/detector.ts';
import type { KeyedStore } from '../../../shared/pipeline/keyed-store.ts';
import { PartitionState } from '../../../shared/pipeline/partition-state.ts';
import { EventClock, accessEvent } from '../../harness/events.ts';

/** The tracker over a detector's episode store, with the clock following the events. */
class Tracker {
  state = new PartitionState();
  episodes: KeyedStore<Episode> = this.open();
  private open(): KeyedStore<Episode> {
    return this.state.store<Episode>('access.test/_episodes', { pinned: true, idleTtlMs: 11 * 60_000 });
  }
  apply(d: typeof detector, f: Finding, e: AccessEvent, detectedAt: number) {
    this.state.clock.eventTime = e.ts;
    this.state.clock.watermark = Math.max(this.state.clock.watermark, e.ts);
    const origin = { ts: e.ts, tenant: e.tenant, eventId: e.event_id };
    return applyFinding(this.episodes, d, f, origin, detectedAt);
  }
  /** Through the changelog records into a fresh state, as a restore would. */
  restored(): Tracker {
    this.state.drain();
    const next = new Tracker();
    for (const r of JSON.parse(JSON.stringify(this.state.exportAll())) as { key: string; value: string }[])
      next.state.load(r.key, r.value);
    Object.assign(next.state.clock, this.state.clock);
    return next;
  }
}

const detector = { id: 'access.test', category: 'access' as const, suppressionMs: 10 * 60_000 };
const finding = (score: number, over: Partial<Finding> = {}): Finding => ({
  entity: { type: 'principal', id: 'svc-etl' },
  severity: score > 80 ? 'high' : 'medium',
  score,
  title: `score ${score}`,
  description: `observed ${score}`,
  explanation: { statistic: 'z', observed: score, expected: 1, threshold: 3, window: '1h' },
  ...over,
});

describe('applyFinding', () => {
  it('derives the id from detector, entity, episode key and the start minute only', () => {
    const a = alertId('d', 'principal', 'p', '', Date.parse('2026-03-02T10:00:05Z'));
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(alertId('d', 'principal', 'p', '', Date.parse('2026-03-02T10:00:55Z'))).toBe(a);
    expect(alertId('d', 'principal', 'p', '', Date.parse('2026-03-02T10:01:00Z'))).not.toBe(a);
    expect(alertId('d', 'principal', 'q', '', Date.parse('2026-03-02T10:00:05Z'))).not.toBe(a);
    expect(alertId('d', 'principal', 'p', 'k', Date.parse('2026-03-02T10:00:05Z'))).not.toBe(a);
  });

  it('updates one alert while the anomaly persists, keeping the strongest evidence', () => {
    const tracker = new Tracker();
    const clock = new EventClock();
    const first = tracker.apply(detector, finding(60), accessEvent(clock), 1);
    const again = tracker.apply(detector, finding(90), accessEvent(clock.advance(5 * 60_000)), 2);
    const weaker = tracker.apply(detector, finding(70), accessEvent(clock.advance(5 * 60_000)), 3);
    expect(again.alert_id).toBe(first.alert_id);
    expect(weaker.alert_id).toBe(first.alert_id);
    expect(weaker.event_count).toBe(3);
    expect(weaker.score).toBe(90);
    expect(weaker.severity).toBe('high');
    expect(weaker.title).toBe('score 90');
    expect(weaker.last_seen).toBe(new Date(clock.nowMs).toISOString());
    expect(weaker.evidence.sample_event_ids).toEqual(['ev-1', 'ev-2', 'ev-3']);
    expect(weaker.detected_at).toBe(new Date(1).toISOString());
  });

  it('starts a new alert after a gap longer than the suppression window', () => {
    const tracker = new Tracker();
    const clock = new EventClock();
    const a = tracker.apply(detector, finding(60), accessEvent(clock), 0);
    const b = tracker.apply(detector, finding(60), accessEvent(clock.advance(11 * 60_000)), 0);
    expect(b.alert_id).not.toBe(a.alert_id);
    expect(b.event_count).toBe(1);
  });

  it('keeps at most 20 sample event ids', () => {
    const tracker = new Tracker();
    const clock = new EventClock();
    let alert = tracker.apply(detector, finding(50), accessEvent(clock), 0);
    for (let i = 0; i < 40; i++)
      alert = tracker.apply(detector, finding(50), accessEvent(clock.advance(1000)), 0);
    expect(alert.event_count).toBe(41);
    expect(alert.evidence.sample_event_ids).toHaveLength(20);
  });

  it('restores open episodes from their records and forgets finished ones', () => {
    const tracker = new Tracker();
    const clock = new EventClock();
    const a = tracker.apply(detector, finding(50), accessEvent(clock), 0);
    const restored = tracker.restored();
    const b = restored.apply(detector, finding(50), accessEvent(clock.advance(60_000)), 0);
    expect(b.alert_id).toBe(a.alert_id);
    expect(b.event_count).toBe(2);
    expect(restored.episodes.size).toBe(1);
    restored.state.clock.watermark = clock.nowMs + 12 * 60_000;
    expect(restored.episodes.sweep()).toBe(1);
    expect(restored.episodes.size).toBe(0);
  });

  it('dates an alert by the finding when it names its own time and samples', () => {
    const tracker = new Tracker();
    const clock = new EventClock();
    const at = clock.nowMs - 5 * 60_000;
    const alert = tracker.apply(
      detector,
      finding(50, { at, sampleEventIds: ['x', 'y'] }),
      accessEvent(clock),
      0,
    );
    expect(alert.first_seen).toBe(new Date(at).toISOString());
    expect(alert.alert_id).toBe(alertId(detector.id, 'principal', 'svc-etl', '', at));
    expect(alert.evidence.sample_event_ids).toEqual(['x', 'y']);
  });
});
