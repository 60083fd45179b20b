/**
 * inference.drift.output — a model's outputs move away from their reference: the
 * distribution of `prediction.score` and of `prediction.label`, per model and version.
 *
 * Statistics (Evidently's defaults for windows of at most 1000 values): the scores of
 * the current window against the frozen reference by PSI on the reference's deciles
 * (< 0.1 stable, 0.1–0.25 moderate, ≥ 0.25 significant) and by the two-sample
 * Kolmogorov–Smirnov test (p < `ks_alpha`, 0.05) on 20 equal-probability bins; the labels
 * by the chi-squared homogeneity test (p < `chi2_alpha`) and their PSI. A window drifts
 * when a test is significant and its PSI exceeds what the window's size gives by chance
 * ((B − 1)(1/n + 1/m), a few hundredths for a few hundred values) by `psi_threshold`
 * (0.1, the moderate band) — the test alone would fire on one window in twenty by chance,
 * and a window closes every few hours, so the effect size must also be material.
 * Severity follows the PSI band.
 *
 * Reference: learned per model × version from its first `reference_hours` of predictions
 * (at least `reference_min_size`; bin edges from the first `edge_sample` scores), then
 * frozen until re-baselined: set `rebaseline: {"<model>": "<any new token>"}` (or
 * `"<model>@<version>"`, or `"*"`) in the config or through `PUT /api/v1/detectors/…`,
 * and the reference is learned again. A new `model_version` starts its own reference, so
 * a planned rollout is learned, not alerted on.
 *
 * State: store `references` (key model@version): the lifecycle, 20 bins of reference and
 * window counts, label counts, sums — ≈ 0.9 kB of JSON (≈ 2 kB while the first 200
 * scores are sampled). Cost per prediction: one binary search over 19 edges; a PSI, a KS
 * and a chi-squared per closed window.
 */
import { z } from 'zod';
import type { InferenceEvent, Severity } from '../../../shared/events/types.ts';
import { defineDetector, type Detector, type Finding } from '../../../shared/pipeline/detector.ts';
import type { DetectorState, KeyedState } from '../../../shared/pipeline/keyed-state.ts';
import { compareBinned, compareCategories } from '../../../shared/stats/binned-drift.ts';
import {
  addCategory,
  addNumeric,
  advance,
  iso,
  newCategorical,
  newLifecycle,
  newNumeric,
  noteWindowEvent,
  psiEvidence,
  referenceConfig,
  resetWindow,
  sustained,
  tokenFor,
  topCallers,
  windowTexts,
  type CategoricalColumn,
  type Lifecycle,
  type NumericColumn,
  type ReferenceSettings,
  type WindowEvidence,
} from '../drift-reference.ts';
import { modelVersionKey } from '../entity-keys.ts';
import { fmt, round } from '../packed.ts';

interface OutputConfig extends ReferenceSettings {
  psi_threshold: number;
  psi_significant: number;
  ks_alpha: number;
  chi2_alpha: number;
  reference_cap: number;
  rebaseline: Record<string, string>;
}

interface OutputReference extends WindowEvidence {
  v: 1;
  life: Lifecycle;
  score: NumericColumn;
  labels: CategoricalColumn;
  /** Sums of scores (reference, window) for the evidence's means. */
  refSum: number;
  refScores: number;
  curSum: number;
  curScores: number;
}

interface Verdict {
  kind: 'score' | 'labels';
  psi: number;
  psiNull: number;
  pValue: number;
  statistic: number;
  drifted: boolean;
}

class OutputDriftDetector implements Detector<InferenceEvent> {
  private readonly rebaselines: boolean;
  private readonly refs: KeyedState<OutputReference>;

  constructor(
    private readonly config: OutputConfig,
    state: DetectorState,
  ) {
    this.refs = state.keyed('references', { pinned: true });
    // No re-baseline entries (the usual case): every token is "", without a lookup per event.
    this.rebaselines = Object.keys(config.rebaseline).length > 0;
  }

  update(event: InferenceEvent): Finding | null {
    const p = event.prediction;
    if (p === undefined || (p.score === undefined && p.label === undefined)) return null;
    const version = event.model_version ?? '';
    const key = modelVersionKey(event.model_id, version);
    const token = this.rebaselines ? tokenFor(this.config.rebaseline, event.model_id, version) : '';
    let r = this.refs.get(key);
    if (r === undefined || r.life.token !== token) {
      r = {
        v: 1,
        life: newLifecycle(token, event.ts),
        score: newNumeric(),
        labels: newCategorical(),
        refSum: 0,
        refScores: 0,
        curSum: 0,
        curScores: 0,
        callers: {},
        samples: [],
      };
      this.refs.put(key, r);
    }
    const phase = r.life.phase;
    if (p.score !== undefined && Number.isFinite(p.score)) {
      addNumeric(r.score, phase, p.score);
      if (phase === 'monitor') {
        r.curSum += p.score;
        r.curScores++;
      } else {
        r.refSum += p.score;
        r.refScores++;
      }
    }
    if (p.label !== undefined) addCategory(r.labels, phase, p.label);
    noteWindowEvent(r, r.life, event.principal, event.event_id, this.config.window_size);
    if (!advance(r.life, event.ts, this.config, [r.score])) return null;
    const finding = this.compare(r, event, version);
    resetWindow(r.life, event.ts, [r.score], [r.labels], r);
    r.curSum = 0;
    r.curScores = 0;
    return finding;
  }

  private compare(r: OutputReference, event: InferenceEvent, version: string): Finding | null {
    const cfg = this.config;
    const verdicts: Verdict[] = [];
    const minN = Math.min(cfg.window_min_size, cfg.window_size);
    if (r.score.edges !== null && r.curScores >= minN) {
      const c = compareBinned(r.score.ref, r.score.cur, 10, cfg.reference_cap);
      verdicts.push({
        kind: 'score',
        psi: c.psi,
        psiNull: c.psiNull,
        pValue: c.ks.pValue,
        statistic: c.ks.statistic,
        drifted: c.psi - c.psiNull >= cfg.psi_threshold && c.ks.pValue < cfg.ks_alpha,
      });
    }
    const labelN = r.labels.cur.reduce((a, b) => a + b, 0);
    if (r.labels.names.length >= 2 && labelN >= minN) {
      const c = compareCategories(r.labels.ref, r.labels.cur, cfg.reference_cap);
      verdicts.push({
        kind: 'labels',
        psi: c.psi,
        psiNull: c.psiNull,
        pValue: c.chi.pValue,
        statistic: c.chi.statistic,
        drifted: c.psi - c.psiNull >= cfg.psi_threshold && c.chi.pValue < cfg.chi2_alpha,
      });
    }
    const drifted = verdicts.filter((v) => v.drifted);
    if (!sustained(r.life, drifted.length > 0, cfg)) return null;
    const top = drifted.reduce((a, b) => (b.psi > a.psi ? b : a));
    const severity: Severity = top.psi >= cfg.psi_significant ? 'high' : 'medium';
    const score = Math.min(100, 50 + 120 * top.psi);
    const refMean = r.refScores > 0 ? r.refSum / r.refScores : Number.NaN;
    const curMean = r.curScores > 0 ? r.curSum / r.curScores : Number.NaN;
    const refTotal = r.labels.ref.reduce((a, b) => a + b, 0);
    const shares = r.labels.names.map((name, i) => ({
      label: name,
      reference: refTotal > 0 ? round((r.labels.ref[i] as number) / refTotal, 4) : 0,
      current: labelN > 0 ? round((r.labels.cur[i] as number) / labelN, 4) : 0,
    }));
    const moved = shares.reduce(
      (a, b) => (Math.abs(b.current - b.reference) > Math.abs(a.current - a.reference) ? b : a),
      shares[0] ?? { label: '', reference: 0, current: 0 },
    );
    const parts: string[] = [];
    for (const v of drifted) {
      if (v.kind === 'score')
        parts.push(
          `scores moved (PSI ${v.psi.toFixed(3)}, KS D ${v.statistic.toFixed(3)}, p ${v.pValue.toExponential(1)}; mean ${fmt(curMean)} vs ${fmt(refMean)})`,
        );
      else
        parts.push(
          `labels moved (PSI ${v.psi.toFixed(3)}, χ² ${v.statistic.toFixed(1)}, p ${v.pValue.toExponential(1)}; "${moved.label}" ${Math.round(moved.current * 100)} % vs ${Math.round(moved.reference * 100)} %)`,
        );
    }
    const { frozen, window, reference } = windowTexts(r.life, event.ts, 'predictions');
    return {
      entity: { type: 'model', id: event.model_id },
      severity,
      score,
      title: `Output drift on ${event.model_id}${version === '' ? '' : ` ${version}`}`,
      description:
        `${event.model_id}${version === '' ? '' : ` ${version}`}: ${parts.join('; ')} over the ${window} against ` +
        `the reference of ${r.life.refN} predictions (${iso(r.life.refStart)} – ${iso(frozen)}); PSI ≥ ${cfg.psi_threshold} above chance (${top.psiNull.toFixed(3)} for these sizes) with p < 0.05 means drift.`,
      explanation: {
        statistic:
          top.kind === 'score' ? 'PSI on score deciles + two-sample KS' : 'PSI + chi-squared on labels',
        ...psiEvidence(top.psi, top.psiNull, cfg.psi_threshold),
        psi_by_chance: round(top.psiNull, 4),
        window,
        reference,
        drifted_windows_in_a_row: r.life.streak,
        model_version: version,
        score_psi: verdicts.find((v) => v.kind === 'score')?.psi ?? null,
        score_ks_d: verdicts.find((v) => v.kind === 'score')?.statistic ?? null,
        score_ks_p: verdicts.find((v) => v.kind === 'score')?.pValue ?? null,
        score_mean_reference: Number.isFinite(refMean) ? round(refMean, 4) : null,
        score_mean_current: Number.isFinite(curMean) ? round(curMean, 4) : null,
        label_psi: verdicts.find((v) => v.kind === 'labels')?.psi ?? null,
        label_chi2: verdicts.find((v) => v.kind === 'labels')?.statistic ?? null,
        label_chi2_p: verdicts.find((v) => v.kind === 'labels')?.pValue ?? null,
        label_shares: shares,
        top_callers: topCallers(r.callers, r.life.winN),
      },
      sampleEventIds: [...r.samples, event.event_id],
      episodeKey: version,
    };
  }
}

export const driftOutput = defineDetector({
  id: 'inference.drift.output',
  eventType: 'inference',
  category: 'drift',
  description:
    "A model version's output score and label distributions move away from their frozen reference (PSI, KS, chi-squared).",
  config: {
    ...referenceConfig,
    psi_threshold: z
      .number()
      .gt(0)
      .default(0.1)
      .describe('PSI a window needs (with a significant test) to count as drift: 0.1 is the moderate band.'),
    psi_significant: z
      .number()
      .gt(0)
      .default(0.25)
      .describe('PSI from which drift is significant (severity high).'),
    ks_alpha: z.number().gt(0).lt(1).default(0.05).describe('KS p-value below which the scores differ.'),
    chi2_alpha: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.05)
      .describe('Chi-squared p-value below which the labels differ.'),
  },
  create: (config, state) => new OutputDriftDetector(config, state),
});
