import { describe, expect, it } from 'vitest';
import { validateEvent } from '../../../shared/events/validate.ts';
import { liveFeed } from '../../../shared/simulate/live.ts';

describe('liveFeed', () => {
  it('paces batches in accelerated time and injects recurring scenarios', async () => {
    const controller = new AbortController();
    const startMs = Date.parse('2026-03-03T10:00:00Z');
    // 3600×: an hour of simulated time per wall second; a scenario every 0.3 wall seconds.
    const feed = liveFeed({
      seed: 3,
      speedup: 3600,
      attackEveryMinutes: 0.005,
      firstAttackAfterSeconds: 0.1,
      batchMs: 50,
      startMs,
      backfillHours: 2,
      signal: controller.signal,
      tagScenarioEvents: true,
    });
    const labels: string[] = [];
    let events = 0;
    let maxTs = 0;
    let invalid = 0;
    const began = Date.now();
    for await (const batch of feed) {
      for (const e of batch.events) {
        if (!validateEvent(JSON.parse(JSON.stringify(e))).ok) invalid++;
        maxTs = Math.max(maxTs, e.ts);
      }
      events += batch.events.length;
      labels.push(...batch.labels.map((l) => l.name));
      if (Date.now() - began > 2500) controller.abort();
    }
    expect(invalid).toBe(0);
    expect(events).toBeGreaterThan(1000);
    // ~2.5 wall seconds at 3600× reach about 2.5 simulated hours past the start, not days.
    expect(maxTs).toBeGreaterThan(startMs + 3_600_000);
    expect(maxTs).toBeLessThan(startMs + 6 * 3_600_000);
    expect(new Set(labels).size).toBeGreaterThanOrEqual(3);
  }, 20_000);
});
