/**
 * The six inference detectors on simulated weeks with ground truth, on seeds their
 * defaults were not tuned on (tuning used seeds 1–8; see the README's inference section
 * for the figures on seeds 51–56). Every inference attack is found by each detector its
 * label names, on the label's entity, in its window; the benign model rollout stays
 * silent; false alerts stay within one per detector per simulated day.
 */
import { describe, expect, it } from 'vitest';
import { INFERENCE_DETECTORS } from '../../../services/inference-monitor/detectors/index.ts';
import type { InferenceEvent } from '../../../shared/events/types.ts';
import { resolveDetectors } from '../../../shared/pipeline/registry.ts';
import { simulate } from '../../../shared/simulate/simulate.ts';
import { detectAll, scoreAgainstLabels } from '../../harness/ground-truth.ts';

const DAYS = 7;
const SEEDS = [51, 52, 53];
const MINUTE = 60_000;
const IDS = new Set(INFERENCE_DETECTORS.map((d) => d.id));

/** Longest defensible delay per scenario (attack lengths: harvest 2 h, probe 1 h, PRADA 8 h, drifts 12 h). */
const MAX_DELAY: Record<string, number> = {
  'extraction-harvest': 15 * MINUTE,
  'extraction-probing': 30 * MINUTE,
  'agent-hijack': 15 * MINUTE,
  'extraction-prada': 8 * 60 * MINUTE,
  'drift-output': 12 * 60 * MINUTE,
  'drift-input': 12 * 60 * MINUTE,
};

describe.each(SEEDS)('inference detectors on a simulated week (seed %i, not tuned on)', (seed) => {
  const sim = simulate({ seed, days: DAYS, size: 'small', scenarios: 'all' });
  const events: InferenceEvent[] = [];
  for (const e of sim.events) if (e.type === 'inference') events.push(e);
  const alerts = detectAll(events, resolveDetectors(INFERENCE_DETECTORS, {}));
  const labels = sim.labels.filter((l) => l.detectors.some((d) => IDS.has(d)));

  it('finds every inference attack with each detector its label names, on the right entity', () => {
    const attacks = labels.filter((l) => l.benign !== true);
    expect(attacks.map((l) => l.name).sort()).toEqual(Object.keys(MAX_DELAY).sort());
    for (const label of attacks) {
      for (const detector of label.detectors) {
        const [result] = scoreAgainstLabels(
          alerts,
          [{ ...label, detectors: [detector] }],
          new Set([detector]),
          2 * 3_600_000,
          {
            ongoing: true,
          },
        ).attacks;
        expect(result?.detected, `${label.name} by ${detector} on ${label.entity.id}`).toBe(true);
        expect(result!.delayMs!, `${label.name} by ${detector}`).toBeLessThanOrEqual(MAX_DELAY[label.name]!);
      }
    }
  });

  it('stays silent on the benign model rollout and within one false alert per detector per day', () => {
    const score = scoreAgainstLabels(alerts, labels, IDS);
    expect(score.benignHits.map((a) => `${a.detector} ${a.entity.id}`)).toEqual([]);
    for (const id of IDS) {
      const falses = score.falseAlerts.filter((a) => a.detector === id);
      expect(
        falses.length,
        `${id}: ${falses.map((a) => `${a.entity.id} ${a.first_seen}`).join(', ')}`,
      ).toBeLessThanOrEqual(DAYS);
    }
  });
});
