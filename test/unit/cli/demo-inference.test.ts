/**
 * `npm start`'s demo shows an extraction and a drift alert within its first minutes: the
 * demo feed's world and scenario cycle, replayed faster than the wall clock (the same
 * simulated timeline: an hour of history a wall-clock minute, a scenario every simulated
 * hour), through the inference detectors with their default config.
 */
import { describe, expect, it } from 'vitest';
import { DEMO_FEED, DEMO_SCENARIOS } from '../../../services/cli/demo-feed.ts';
import { INFERENCE_DETECTORS } from '../../../services/inference-monitor/detectors/index.ts';
import type { VigilEvent } from '../../../shared/events/types.ts';
import { resolveDetectors } from '../../../shared/pipeline/registry.ts';
import { liveFeed } from '../../../shared/simulate/live.ts';
import { detectAll } from '../../harness/ground-truth.ts';

const HOUR = 3_600_000;

/** The demo's first `hours` of simulated time after it goes live (a wall-clock minute each). */
async function demoTimeline(startMs: number, hours: number): Promise<VigilEvent[]> {
  const fast = 36_000; // simulated seconds per wall second here, against the demo's 60
  const scale = DEMO_FEED.speedup / fast;
  const abort = new AbortController();
  const events: VigilEvent[] = [];
  for await (const batch of liveFeed({
    ...DEMO_FEED,
    speedup: fast,
    attackEveryMinutes: DEMO_FEED.attackEveryMinutes * scale,
    firstAttackAfterSeconds: DEMO_FEED.firstAttackAfterSeconds * scale,
    scenarios: DEMO_SCENARIOS,
    startMs,
    batchMs: 5,
    signal: abort.signal,
  })) {
    events.push(...batch.events);
    if (batch.simTime > startMs + hours * HOUR) abort.abort();
  }
  return events;
}

describe('the demo feed (npm start)', () => {
  it('raises an extraction alert within 3 minutes and a drift alert within 7', async () => {
    // A working morning (UTC): the demo's clock is the wall clock.
    const start = Date.parse('2026-03-02T09:00:00Z');
    const events = await demoTimeline(start, 7.5);
    const alerts = detectAll(
      events.filter((e) => e.type === 'inference'),
      resolveDetectors(INFERENCE_DETECTORS, {}),
    );
    const minute = (a: { first_seen: string }): number => (Date.parse(a.first_seen) - start) / HOUR;
    const extraction = alerts.filter((a) => a.category === 'extraction').map(minute);
    const drift = alerts.filter((a) => a.category === 'drift').map(minute);
    expect(Math.min(...extraction)).toBeLessThan(3);
    expect(Math.min(...drift)).toBeLessThan(7);
  }, 60_000);
});
