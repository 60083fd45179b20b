/**
 * Calibrates a stream of surprises (−log10 of a model's tail probability) against how
 * surprising this series has actually been, by peaks over threshold: exceedances of a
 * level u are modelled as exponential (the shape-0 generalised Pareto of extreme value
 * theory; Pickands 1975, and its streaming use in SPOT, Siffer et al. 2017, "Anomaly
 * detection in streams with extreme value theory", KDD). With r the rate of exceedance
 * and m the mean excess, P(S > s) ≈ r·exp(−(s − u)/m) for s > u.
 *
 * If the model's p-values are right, r = 10^−u and m = log10(e), and the calibrated
 * surprise equals the raw one; heavy-tailed or autocorrelated noise raises r and m, so
 * the same raw surprise counts for less. Counts decay (weight `1 − forget` per sample),
 * start from a prior of `priorPoints` well-calibrated points, and each excess is capped
 * so a real anomaly cannot teach the calibrator that anomalies are normal.
 * O(1), three numbers of state. This is the likelihood layer of the univariate detector
 * (in the spirit of Numenta's anomaly likelihood, anomaly-likelihood.ts, but per model
 * and with a tail fit suited to single-point surprises).
 *
 * Optionally a second, higher level u2 with its own rate and mean excess (two more
 * numbers): one exponential over u cannot fit a mixture of ordinary noise and rare
 * harmless outliers (a slow query, a chatter burst), because ordinary exceedances
 * dominate the fit and the cap on each excess hides how far the outliers reach. Fitting
 * the tail again above u2 — the threshold-stability idea of choosing the POT level where
 * the tail is actually exponential (Coles 2001, §4.3.1) — and taking the smaller of the
 * two calibrated surprises discounts what this series does often far out, while a
 * well-calibrated series (rate 10^−u2) keeps its surprises. The upper level discounts
 * only once it has seen more than UPPER_MIN_EXCEED recent exceedances, so the one or two
 * real anomalies of a series do not teach it that anomalies are normal.
 */
import { checkVersion } from './ring-buffer.ts';

/** Version 2 added the upper level (`u2` null when there is none). */
export interface TailCalibratorState {
  v: 1 | 2;
  u: number;
  forget: number;
  maxExcess: number;
  n: number;
  exceed: number;
  excess: number;
  u2?: number | null;
  maxExcess2?: number;
  exceed2?: number;
  excess2?: number;
}

const LOG10E = Math.LOG10E;
/** Recent exceedances of u2 the upper level needs before it discounts anything. */
const UPPER_MIN_EXCEED = 5;

export class TailCalibrator {
  readonly u: number;
  readonly forget: number;
  readonly maxExcess: number;
  private n: number;
  private exceed: number;
  private excess: number;
  /** The upper level (+∞: none), its cap per excess, and its decayed counts. */
  private u2 = Number.POSITIVE_INFINITY;
  private maxExcess2 = 0;
  private exceed2 = 0;
  private excess2 = 0;
  /** Runs declustering: a run of exceedances counts once, with its largest excess. */
  decluster = false;
  private peak1 = -1;
  private peak2 = -1;
  /** Extremal index bonus: add −log10 θ, θ = runs / exceedances (both decayed, with a prior). */
  theta = false;
  private runs = 5;
  private pts = 5;

  constructor(u = 2, priorPoints = 500, forget = 1 / 5000, maxExcess = 3) {
    this.u = u;
    this.forget = forget;
    this.maxExcess = maxExcess;
    this.n = priorPoints;
    this.exceed = priorPoints * Math.pow(10, -u);
    this.excess = this.exceed * LOG10E;
  }

  /**
   * Adds (or restarts) the upper level at u2, each excess over it capped at `maxExcess2`,
   * starting from the well-calibrated prior. Returns this.
   */
  withUpper(u2: number, maxExcess2: number): this {
    this.u2 = u2;
    this.maxExcess2 = maxExcess2;
    this.exceed2 = this.n * Math.pow(10, -u2);
    this.excess2 = this.exceed2 / (u2 * Math.LN10);
    return this;
  }

  /** Calibrated surprise of `s` under what has been seen so far (does not learn `s`). */
  calibrate(s: number): number {
    return this.calibrate0(s) + (this.theta && s > this.u ? Math.log10(this.pts / this.runs) : 0);
  }

  private calibrate0(s: number): number {
    const base = -Math.log10(this.exceed / this.n);
    if (s <= this.u) return (s * base) / this.u;
    const c = base + ((s - this.u) * LOG10E) / (this.excess / this.exceed);
    if (!(s > this.u2)) return c;
    const rate2 = Math.max(this.exceed2 - UPPER_MIN_EXCEED, this.n * Math.pow(10, -this.u2)) / this.n;
    const c2 = -Math.log10(rate2) + (this.exceed2 / this.excess2) * Math.log10(s / this.u2);
    return c2 < c ? c2 : c;
  }

  /** Learns `s`. */
  learn(s: number): void {
    const keep = 1 - this.forget;
    this.n = this.n * keep + 1;
    this.exceed *= keep;
    this.excess *= keep;
    this.runs *= keep;
    this.pts *= keep;
    if (s > this.u) {
      this.pts += 1;
      if (this.peak1 < 0) this.runs += 1;
      const e = Math.min(s - this.u, this.maxExcess);
      if (!this.decluster || this.peak1 < 0) {
        this.exceed += 1;
        this.excess += e;
        this.peak1 = e;
      } else if (e > this.peak1) {
        this.excess += e - this.peak1;
        this.peak1 = e;
      }
    } else this.peak1 = -1;
    if (this.u2 < Number.POSITIVE_INFINITY) {
      this.exceed2 *= keep;
      this.excess2 *= keep;
      if (s > this.u2) {
        const e = Math.min(Math.log(s / this.u2), this.maxExcess2);
        if (!this.decluster || this.peak2 < 0) {
          this.exceed2 += 1;
          this.excess2 += e;
          this.peak2 = e;
        } else if (e > this.peak2) {
          this.excess2 += e - this.peak2;
          this.peak2 = e;
        }
      } else this.peak2 = -1;
    }
  }

  /** Calibrates then learns: the usual streaming step. */
  update(s: number): number {
    const c = this.calibrate(s);
    this.learn(s);
    return c;
  }

  snapshot(): TailCalibratorState {
    const { u, forget, maxExcess, n, exceed, excess, maxExcess2, exceed2, excess2 } = this;
    const u2 = this.u2 < Number.POSITIVE_INFINITY ? this.u2 : null;
    return { v: 2, u, forget, maxExcess, n, exceed, excess, u2, maxExcess2, exceed2, excess2 };
  }

  /** Restores a state; a version-1 state (no upper level) restores without one. */
  static restore(s: TailCalibratorState): TailCalibrator {
    checkVersion(s.v, 'TailCalibrator', 2);
    const c = new TailCalibrator(s.u, 1, s.forget, s.maxExcess);
    c.n = s.n;
    c.exceed = s.exceed;
    c.excess = s.excess;
    if (s.v === 2 && typeof s.u2 === 'number') {
      c.u2 = s.u2;
      c.maxExcess2 = s.maxExcess2 ?? 0;
      c.exceed2 = s.exceed2 ?? 0;
      c.excess2 = s.excess2 ?? 0;
    }
    return c;
  }
}
