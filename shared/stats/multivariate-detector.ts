/**
 * Several metrics of one device, one combined anomaly score: a univariate detector per
 * metric (each with its own models, calibration and episodes) and a
 * MultivariateCombiner over their surprises. This is what `vigil score` runs for a CSV
 * with several numeric columns and what facility.metric calls per device (one instance
 * per device, its metrics as the columns, a missing metric as NaN). O(k) per row; state =
 * k univariate states (≤ 6 KB each) plus ≈ 0.4 KB.
 */
import {
  MultivariateCombiner,
  type CombinedResult,
  type CombinerOptions,
  type MultivariateCombinerState,
} from './multivariate-combiner.ts';
import { checkVersion } from './ring-buffer.ts';
import { UnivariateDetector, type UnivariateOptions, type UnivariateResult } from './univariate-detector.ts';
import type { UnivariateState } from './univariate-state.ts';

export interface MultivariateResult {
  combined: CombinedResult;
  /** Per metric, in column order; null where the row had no value for it. */
  columns: (UnivariateResult | null)[];
}

export interface MultivariateState {
  v: 1;
  columns: string[];
  detectors: UnivariateState[];
  combiner: MultivariateCombinerState;
}

export class MultivariateDetector {
  readonly columns: readonly string[];
  private detectors: UnivariateDetector[];
  private combiner: MultivariateCombiner;
  private readonly surprises: Float64Array;
  private readonly out: MultivariateResult;

  /** `options` apply to every metric's detector and to the combination. */
  constructor(columns: readonly string[], options: Partial<UnivariateOptions & CombinerOptions> = {}) {
    if (columns.length === 0) throw new RangeError('MultivariateDetector needs at least one column');
    this.columns = [...columns];
    this.detectors = columns.map(() => new UnivariateDetector(options));
    this.combiner = new MultivariateCombiner(options);
    this.surprises = new Float64Array(columns.length);
    this.out = { combined: this.combiner.update([]), columns: columns.map(() => null) };
  }

  /** Scores one row (t ms; values in column order, NaN where missing) and learns it. */
  update(t: number, values: ArrayLike<number>): MultivariateResult {
    for (let i = 0; i < this.detectors.length; i++) {
      const x = values[i] as number;
      if (Number.isFinite(x) && Number.isFinite(t)) {
        const r = (this.detectors[i] as UnivariateDetector).update(t, x);
        this.out.columns[i] = r;
        this.surprises[i] = r.surprise;
      } else {
        this.out.columns[i] = null;
        this.surprises[i] = Number.NaN;
      }
    }
    this.out.combined = this.combiner.update(this.surprises);
    return this.out;
  }

  snapshot(): MultivariateState {
    return {
      v: 1,
      columns: [...this.columns],
      detectors: this.detectors.map((d) => d.snapshot()),
      combiner: this.combiner.snapshot(),
    };
  }

  static restore(s: MultivariateState): MultivariateDetector {
    checkVersion(s.v, 'MultivariateDetector');
    const m = new MultivariateDetector(s.columns);
    m.detectors = s.detectors.map((d) => UnivariateDetector.restore(d));
    m.combiner = MultivariateCombiner.restore(s.combiner);
    return m;
  }
}
