import { describe, expect, it } from 'vitest';
import { extractionRate } from '../../../services/inference-monitor/detectors/extraction-rate.ts';
import type { InferenceEvent } from '../../../shared/events/types.ts';
import {
  alertsOf,
  expectSameFindingsAfterRestarts,
  findingsOf,
  inferenceWorld,
  label,
  stateBytes,
} from './helpers.ts';

const HOUR = 3_600_000;
const attacks = inferenceWorld({ seed: 33, days: 4, size: 'small', scenarios: ['extraction-harvest'] });
const quiet = inferenceWorld({ seed: 34, days: 4, size: 'small', scenarios: 'none' });

/** `n` requests an hour by `principal` on `model` from the first event to the last, at a fixed pace. */
function steady(
  world: { events: InferenceEvent[] },
  principal: string,
  model: string,
  perHour: number,
): InferenceEvent[] {
  const first = world.events[0]!.ts;
  const last = world.events[world.events.length - 1]!.ts;
  const out: InferenceEvent[] = [];
  for (let t = first, i = 0; t < last; t += HOUR / perHour, i++) {
    out.push({
      type: 'inference',
      event_id: `steady-${i}`,
      ts: Math.round(t),
      tenant: 'acme',
      model_id: model,
      principal,
      latency_ms: 20,
      status: 'ok',
      logprobs_requested: true,
    });
  }
  return [...world.events, ...out].sort((a, b) => a.ts - b.ts);
}

describe('inference.extraction.rate', () => {
  it('finds the harvester within minutes, against its own hour-of-day baseline and its peers', () => {
    const l = label(attacks, 'extraction-harvest');
    const alerts = alertsOf(extractionRate, attacks.events);
    expect(alerts.map((a) => a.entity.id)).toEqual([l.entity.id]);
    const a = alerts[0]!;
    expect(Date.parse(a.first_seen) - Date.parse(l.start)).toBeLessThan(15 * 60_000);
    expect(a.evidence).toMatchObject({ model: l.params['model'] });
    expect(a.evidence['own_baseline_per_hour'] as number).toBeGreaterThan(0);
    expect(a.evidence['peer_level_per_hour'] as number).toBeGreaterThan(0);
    expect(a.evidence['logprobs_share'] as number).toBeGreaterThan(0.9);
    expect(a.techniques).toContain('AML.T0024.002');
    expect(a.description).toMatch(/requests to .* in the last hour, against its own baseline/);
  });

  it('scores full-probability harvesting above the same volume without logprobs', () => {
    const l = label(attacks, 'extraction-harvest');
    const plain = attacks.events.map((e) =>
      e.logprobs_requested === true ? { ...e, logprobs_requested: false } : e,
    );
    const best = (events: readonly InferenceEvent[]): number =>
      Math.max(
        ...findingsOf(extractionRate, events)
          .filter((f) => f.finding.entity.id === l.entity.id)
          .map((f) => f.finding.score),
      );
    expect(best(attacks.events)).toBeGreaterThan(best(plain));
  });

  it('keeps a principal that has always been heavy quiet (600 requests an hour from the start)', () => {
    const events = steady(
      quiet,
      'svc-heavy@acme',
      quiet.events.find((e) => e.prediction !== undefined)!.model_id,
      600,
    );
    expect(alertsOf(extractionRate, events)).toEqual([]);
  });

  it('stays quiet on normal traffic', () => {
    expect(alertsOf(extractionRate, quiet.events)).toEqual([]);
    expect(findingsOf(extractionRate, quiet.events)).toEqual([]);
  });

  it('gives the same findings after restarts as a run that never stopped', () => {
    expectSameFindingsAfterRestarts(extractionRate, attacks.events, (n) => [
      Math.floor(n / 2),
      Math.floor((3 * n) / 4),
    ]);
  });

  it('keeps ≤ 2 KiB per principal × model', () => {
    const bytes = stateBytes(extractionRate, attacks.events);
    expect(bytes['inference.extraction.rate/principals']!.maxBytes).toBeLessThanOrEqual(2048);
    expect(bytes['inference.extraction.rate/peers']!.maxBytes).toBeLessThanOrEqual(2048);
  });
});
