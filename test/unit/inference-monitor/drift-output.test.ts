import { describe, expect, it } from 'vitest';
import { driftOutput } from '../../../services/inference-monitor/detectors/drift-output.ts';
import type { Alert } from '../../../shared/events/types.ts';
import { Processor } from '../../../shared/pipeline/processor.ts';
import { resolveDetectors } from '../../../shared/pipeline/registry.ts';
import {
  alertsOf,
  during,
  expectSameFindingsAfterRestarts,
  findingsOf,
  inferenceWorld,
  label,
  stateBytes,
} from './helpers.ts';

const drift = inferenceWorld({ seed: 37, days: 4, size: 'small', scenarios: ['drift-output'] });
const rollout = inferenceWorld({ seed: 38, days: 4, size: 'small', scenarios: ['benign-model-rollout'] });
const quiet = inferenceWorld({ seed: 39, days: 4, size: 'small', scenarios: 'none' });
// A retrained model: its outputs move on day 2 and stay there.
const retrained = inferenceWorld({
  seed: 40,
  days: 5,
  size: 'small',
  scenarios: [{ name: 'drift-output', start: '+2d', duration: '3d' }],
});

describe('inference.drift.output', () => {
  it('finds the shifted scores and labels of the model, with PSI, KS and chi-squared evidence', () => {
    const l = label(drift, 'drift-output');
    const alerts = alertsOf(driftOutput, drift.events);
    expect(alerts.map((a) => a.entity)).toEqual([{ type: 'model', id: l.entity.id }]);
    const a = alerts[0]!;
    expect(during(l, Date.parse(a.first_seen), 0)).toBe(true);
    const ev = a.evidence;
    expect(ev.statistic).toMatch(/PSI/);
    expect(ev['score_psi'] as number).toBeGreaterThanOrEqual(0.25);
    expect(ev['score_ks_p'] as number).toBeLessThan(0.05);
    expect(ev['label_chi2_p'] as number).toBeLessThan(0.05);
    expect(ev['score_mean_current'] as number).toBeGreaterThan(ev['score_mean_reference'] as number);
    expect(ev.expected_range).toEqual([0, expect.any(Number)]);
    expect(String(ev['reference'])).toMatch(/predictions, 2026-03-02/);
    expect(a.severity).toBe('high');
    // Sample ids spread over the drifted window, not only the one that closed it.
    expect(ev.sample_event_ids.length).toBeGreaterThanOrEqual(15);
    expect(a.description).toMatch(/scores moved \(PSI [0-9.]+, KS D [0-9.]+, p /);
  });

  it('learns a new model version’s own reference instead of alerting on a planned rollout', () => {
    const l = label(rollout, 'benign-model-rollout');
    expect(alertsOf(driftOutput, rollout.events)).toEqual([]);
    const versions = new Set(
      rollout.events.filter((e) => e.model_id === l.entity.id).map((e) => e.model_version),
    );
    expect(versions.size).toBe(2);
    // Even with a shift ten times the rollout's, a new version is a new reference.
    const shifted = rollout.events.map((e) =>
      e.model_id === l.entity.id &&
      e.model_version === l.params['version'] &&
      e.prediction?.score !== undefined
        ? { ...e, prediction: { ...e.prediction, score: Math.min(1, e.prediction.score * 1.8) } }
        : e,
    );
    expect(alertsOf(driftOutput, shifted)).toEqual([]);
  });

  it('keeps its reference frozen until re-baselined through the config', () => {
    const l = label(retrained, 'drift-output');
    // Without a re-baseline the moved outputs are drift, for as long as they last.
    expect(alertsOf(driftOutput, retrained.events).map((a) => a.entity.id)).toEqual([l.entity.id]);
    const start = Date.parse(l.start);
    const [resolved] = resolveDetectors([driftOutput], {});
    const [rebaselined] = resolveDetectors([driftOutput], {
      'inference.drift.output': { rebaseline: { [l.entity.id]: 'after-retraining' } },
    });
    const p = new Processor([resolved!]);
    const before = new Map<string, Alert>();
    p.process(
      retrained.events.filter((e) => e.ts < start),
      0,
      before,
    );
    expect(before.size).toBe(0);
    // The operator re-baselines as the shift begins (the shifted model is the new normal):
    // the reference is learned again from the shifted traffic, so nothing is raised.
    p.reconfigure(rebaselined!);
    const after = new Map<string, Alert>();
    p.process(
      retrained.events.filter((e) => e.ts >= start),
      0,
      after,
    );
    expect([...after.values()]).toEqual([]);
    const record = p.exportState().find((r) => r.key.includes(`references|${l.entity.id}@`));
    expect(record?.value).toContain('"token":"after-retraining"');
  });

  it('stays quiet on normal traffic', () => {
    expect(findingsOf(driftOutput, quiet.events)).toEqual([]);
  });

  it('gives the same findings after restarts as a run that never stopped', () => {
    expectSameFindingsAfterRestarts(driftOutput, drift.events);
  });

  it('keeps a small reference per model version', () => {
    const bytes = stateBytes(driftOutput, drift.events)['inference.drift.output/references']!;
    expect(bytes.maxBytes).toBeLessThanOrEqual(2048);
  });
});
