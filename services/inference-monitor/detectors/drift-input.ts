/**
 * inference.drift.input — the distributions of a model's `input_features` columns move
 * away from their reference; the drifted columns are named and ranked by effect size.
 *
 * Statistics: per column, like `inference.drift.output` for scores — PSI on the
 * reference's deciles and the two-sample Kolmogorov–Smirnov test on 20 equal-probability
 * bins, window against frozen reference. Many columns are tested at once, so the KS
 * p-values of one window are corrected by Benjamini–Hochberg at false discovery rate
 * `fdr_q` (0.05): among the columns reported as drifted, at most 5 % are expected to be
 * false on average — it keeps its power when several columns drift together, where
 * Bonferroni's family-wise bound would demand p < 0.05 / columns of each. A column
 * drifts when BH rejects it and its PSI exceeds its chance level by `psi_threshold` (as in
 * drift.output); the finding ranks the
 * drifted columns by PSI (the effect size) and names the top ones.
 *
 * Reference: per model (inputs are the callers' data, not the version's), learned over
 * the first `reference_hours` and frozen until re-baselined (`rebaseline`, as for
 * drift.output). Columns first seen after the bin edges were fixed are not tested until
 * the next re-baseline.
 *
 * State: store `references` (key model): the lifecycle and, per column, 20 bins of
 * reference and window counts — ≈ 0.45 kB of JSON per column (≈ 2.6 kB with 6 columns;
 * 2 kB more per column while the first 200 values are sampled). Cost per event: one
 * binary search per column; per closed window a PSI and a KS per column and one sort.
 */
import { z } from 'zod';
import type { InferenceEvent, Severity } from '../../../shared/events/types.ts';
import { defineDetector, type Detector, type Finding } from '../../../shared/pipeline/detector.ts';
import type { DetectorState, KeyedState } from '../../../shared/pipeline/keyed-state.ts';
import { benjaminiHochberg, compareBinned } from '../../../shared/stats/binned-drift.ts';
import {
  addNumeric,
  advance,
  iso,
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
  type Lifecycle,
  type NumericColumn,
  type ReferenceSettings,
  type WindowEvidence,
} from '../drift-reference.ts';
import { round } from '../packed.ts';

interface InputConfig extends ReferenceSettings {
  psi_threshold: number;
  psi_significant: number;
  fdr_q: number;
  reference_cap: number;
  max_columns: number;
  rebaseline: Record<string, string>;
}

interface InputReference extends WindowEvidence {
  v: 1;
  life: Lifecycle;
  names: string[];
  columns: NumericColumn[];
  /** Values of each column in the current window (columns may be missing from events). */
  seen: number[];
}

interface ColumnResult {
  column: string;
  psi: number;
  psiNull: number;
  ks_d: number;
  ks_p: number;
  n: number;
}

class InputDriftDetector implements Detector<InferenceEvent> {
  private readonly rebaselines: boolean;
  private readonly refs: KeyedState<InputReference>;

  constructor(
    private readonly config: InputConfig,
    state: DetectorState,
  ) {
    this.refs = state.keyed('references', { pinned: true });
    // No re-baseline entries (the usual case): every token is "", without a lookup per event.
    this.rebaselines = Object.keys(config.rebaseline).length > 0;
  }

  update(event: InferenceEvent): Finding | null {
    const feats = event.input_features;
    if (feats === undefined) return null;
    const token = this.rebaselines ? tokenFor(this.config.rebaseline, event.model_id) : '';
    let r = this.refs.get(event.model_id);
    if (r === undefined || r.life.token !== token) {
      r = {
        v: 1,
        life: newLifecycle(token, event.ts),
        names: [],
        columns: [],
        seen: [],
        callers: {},
        samples: [],
      };
      this.refs.put(event.model_id, r);
    }
    const phase = r.life.phase;
    for (const name in feats) {
      const x = feats[name] as number;
      let i = r.names.indexOf(name);
      if (i < 0) {
        if (phase !== 'edges' || r.names.length >= this.config.max_columns) continue;
        i = r.names.push(name) - 1;
        r.columns.push(newNumeric());
        r.seen.push(0);
      }
      addNumeric(r.columns[i] as NumericColumn, phase, x);
      if (phase === 'monitor') r.seen[i] = (r.seen[i] as number) + 1;
    }
    noteWindowEvent(r, r.life, event.principal, event.event_id, this.config.window_size);
    if (!advance(r.life, event.ts, this.config, r.columns)) return null;
    const finding = this.compare(r, event);
    resetWindow(r.life, event.ts, r.columns, [], r);
    r.seen.fill(0);
    return finding;
  }

  private compare(r: InputReference, event: InferenceEvent): Finding | null {
    const cfg = this.config;
    const results: ColumnResult[] = [];
    const minN = Math.min(cfg.window_min_size, cfg.window_size);
    r.columns.forEach((col, i) => {
      if (col.edges === null || (r.seen[i] as number) < minN) return;
      const c = compareBinned(col.ref, col.cur, 10, cfg.reference_cap);
      results.push({
        column: r.names[i] as string,
        psi: c.psi,
        psiNull: c.psiNull,
        ks_d: c.ks.statistic,
        ks_p: c.ks.pValue,
        n: c.currentN,
      });
    });
    if (results.length === 0) return null;
    const rejected = benjaminiHochberg(
      results.map((x) => x.ks_p),
      cfg.fdr_q,
    );
    const drifted = results
      .filter((x, i) => rejected[i] === true && x.psi - x.psiNull >= cfg.psi_threshold)
      .sort((a, b) => b.psi - a.psi);
    if (!sustained(r.life, drifted.length > 0, cfg)) return null;
    const top = drifted[0] as ColumnResult;
    const severity: Severity = top.psi >= cfg.psi_significant ? 'high' : 'medium';
    const score = Math.min(100, 50 + 120 * top.psi + 2 * (drifted.length - 1));
    const { frozen, window, reference } = windowTexts(r.life, event.ts, 'requests');
    const named = drifted
      .slice(0, 5)
      .map(
        (x) =>
          `${x.column} (PSI ${x.psi.toFixed(3)}, KS D ${x.ks_d.toFixed(3)}, p ${x.ks_p.toExponential(1)})`,
      )
      .join(', ');
    return {
      entity: { type: 'model', id: event.model_id },
      severity,
      score,
      title: `Input drift on ${event.model_id}: ${drifted
        .slice(0, 3)
        .map((x) => x.column)
        .join(', ')}${drifted.length > 3 ? ` and ${drifted.length - 3} more` : ''}`,
      description:
        `${drifted.length} of ${results.length} input columns of ${event.model_id} drifted over the ${window} against the ` +
        `reference of ${r.life.refN} requests (${iso(r.life.refStart)} – ${iso(frozen)}), largest first: ${named}; ` +
        `Benjamini–Hochberg at FDR ${cfg.fdr_q} over the KS p-values, and PSI ≥ ${cfg.psi_threshold} above chance (${top.psiNull.toFixed(3)}).`,
      explanation: {
        statistic: 'per-column PSI on reference deciles + KS, Benjamini–Hochberg across columns',
        ...psiEvidence(top.psi, top.psiNull, cfg.psi_threshold),
        window,
        reference,
        drifted_windows_in_a_row: r.life.streak,
        multiple_testing: `Benjamini–Hochberg, FDR ${cfg.fdr_q}, ${results.length} columns`,
        drifted_columns: drifted.map((x) => ({
          column: x.column,
          psi: round(x.psi, 4),
          psi_by_chance: round(x.psiNull, 4),
          ks_d: round(x.ks_d, 4),
          ks_p: x.ks_p,
          n: x.n,
        })),
        columns_tested: results.length,
        top_callers: topCallers(r.callers, r.life.winN),
      },
      sampleEventIds: [...r.samples, event.event_id],
      episodeKey: 'input',
    };
  }
}

export const driftInput = defineDetector({
  id: 'inference.drift.input',
  eventType: 'inference',
  category: 'drift',
  description:
    "A model's input feature distributions move away from their frozen reference; drifted columns ranked by PSI (Benjamini–Hochberg across columns).",
  config: {
    ...referenceConfig,
    psi_threshold: z
      .number()
      .gt(0)
      .default(0.1)
      .describe(
        'PSI a column needs (with a BH-significant KS) to count as drifted: 0.1 is the moderate band.',
      ),
    psi_significant: z
      .number()
      .gt(0)
      .default(0.25)
      .describe('PSI from which a drift is significant (severity high).'),
    fdr_q: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.05)
      .describe(
        'False discovery rate of the Benjamini–Hochberg correction across the columns of one window.',
      ),
    max_columns: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(64)
      .describe('Columns per model that get a reference (the event contract allows 64).'),
  },
  create: (config, state) => new InputDriftDetector(config, state),
});
