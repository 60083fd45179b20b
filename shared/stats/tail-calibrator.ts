/**
 * Calibrates a stream of surprises (−log10 of a model's tail probability) against how
 * surprising this series has actually been, by peaks over threshold: exceedances of a
 * level u are modelled as exponential (the shape-0 generalised Pareto of extreme value
 * theory; Pickands 1975, and its streaming use in SPOT, Siffer et al. 2017, KDD). With r
 * the rate of exceedance and m the mean excess, P(S > s) ≈ r·exp(−(s − u)/m) for s > u.
 * If the model's p-values are right, r = 10^−u and m = log10(e), and the calibrated
 * surprise equals the raw one; heavy-tailed noise raises r and m, so the same raw surprise
 * counts for less. Counts decay (weight `1 − forget` per sample), start from a prior of
 * `priorPoints` well-calibrated points, and each excess is capped so a real anomaly cannot
 * teach the calibrator that anomalies are normal.
 *
 * Runs declustering (Coles 2001, §5.3.2): consecutive exceedances are one event, so r is
 * the rate of runs, not of points. A burst of five high points, or a drift statistic that
 * stays high for fifty, is one event, as it is one alert; counting its points would
 * discount the next event by the extremal index θ (runs per exceedance) of the statistic.
 * The excess distribution comes from each run's peak (`peak`: statistics of single
 * points, whose runs are short) or from every exceeding point (`all`: smoothed statistics,
 * whose runs are long and whose onset, not peak, is what gets scored).
 *
 * Optionally a second, higher level u2 whose tail is fitted as a power law (Pareto, tail
 * index by Hill's estimator, Hill 1975): P(S > s | S > u2) = (s/u2)^−b. Heavy-tailed
 * telemetry (counts, bytes, latencies) has harmless outliers whose surprises span orders
 * of magnitude; no exponential fits that, and an excess cap hides how far they reach. The
 * smaller of the two calibrated surprises is used — the threshold-stability idea of
 * fitting the tail where it has the shape assumed (Coles 2001, §4.3.1). The upper level
 * discounts only once it has seen more than UPPER_MIN_EXCEED recent runs, so the first
 * real anomalies of a series keep their full weight. O(1), a dozen numbers of state.
 */
import { checkVersion } from './ring-buffer.ts';

export type ExcessFrom = 'peak' | 'all';

/**
 * Version 2 added the upper level (`u2` null when there is none). Version 3 (runs
 * declustering, power-law upper level) keeps its numbers in two arrays to stay small:
 * `lo` = [u, forget, maxExcess, n, runs, points, excess, peak] and `hi` = [u2, maxLogExcess,
 * runs, points, logExcess, peak] or null. Older states restore with every past exceedance
 * taken as its own run.
 */
export type TailCalibratorState = TailCalibratorStateV3 | TailCalibratorStateV2;

export interface TailCalibratorStateV3 {
  v: 3;
  from: ExcessFrom;
  lo: number[];
  hi: number[] | null;
}

export interface TailCalibratorStateV2 {
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
/** Recent runs over u2 the upper level needs before it discounts anything. */
const UPPER_MIN_EXCEED = 5;

export class TailCalibrator {
  readonly u: number;
  readonly forget: number;
  readonly maxExcess: number;
  readonly excessFrom: ExcessFrom;
  /** `excessFrom === 'all'`, and `1 − forget`: read on every point. */
  private readonly all: boolean;
  private readonly keep: number;
  // The counts start as numbers: a field declared without a value starts as undefined,
  // and V8 then stores each double later written to it in a fresh heap box (an
  // allocation per write, several per point). Fields set once may start undefined.
  private n = 0;
  /** Decayed runs over u, exceeding points, summed (capped) excesses, current run's peak (−1: none). */
  private exceed = 0;
  private points = 0;
  private excess = 0;
  private peak = -1;
  /** The upper level (+∞: none), its cap on log excesses, and the same counts over it. */
  private u2 = Number.POSITIVE_INFINITY;
  private maxExcess2 = 0;
  private exceed2 = 0;
  private points2 = 0;
  private excess2 = 0;
  private peak2 = -1;
  /** 10^−u2: the well-calibrated rate over u2, the least the upper level assumes. */
  private floor2 = 0;

  constructor(u = 2, priorPoints = 500, forget = 1 / 5000, maxExcess = 3, excessFrom: ExcessFrom = 'peak') {
    this.u = u;
    this.forget = forget;
    this.maxExcess = maxExcess;
    this.excessFrom = excessFrom;
    this.all = excessFrom === 'all';
    this.keep = 1 - forget;
    this.n = priorPoints;
    this.exceed = this.points = priorPoints * Math.pow(10, -u);
    this.excess = this.exceed * LOG10E;
  }

  /**
   * Adds (or restarts) the power-law upper level at u2, each log excess ln(s/u2) capped at
   * `maxLogExcess`, starting from a prior that matches the well-calibrated tail at u2.
   */
  withUpper(u2: number, maxLogExcess: number): this {
    this.u2 = u2;
    this.floor2 = Math.pow(10, -u2);
    this.maxExcess2 = maxLogExcess;
    this.exceed2 = this.points2 = this.n * Math.pow(10, -u2);
    // Slope of −log10 P at u2 for P = 10^−s is 1 per unit, i.e. b = u2·ln 10 in ln(s/u2).
    this.excess2 = this.exceed2 / (u2 * Math.LN10);
    this.peak2 = -1;
    return this;
  }

  /** Calibrated surprise of `s` under what has been seen so far (does not learn `s`). */
  calibrate(s: number): number {
    if (!(s > 0)) return 0;
    const base = -Math.log10(this.exceed / this.n);
    return s <= this.u ? (s * base) / this.u : this.beyond(s, base);
  }

  /**
   * `calibrate` over u. Kept out of the common path (most surprises are under u) so that
   * `calibrate`, `learn` and `update` stay small enough for V8 to inline at their callers.
   */
  private beyond(s: number, base: number): number {
    const count = this.all ? this.points : this.exceed;
    const c = base + ((s - this.u) * LOG10E) / (this.excess / count);
    if (!(s > this.u2)) return c;
    const rate2 = Math.max(this.exceed2 - UPPER_MIN_EXCEED, this.n * this.floor2) / this.n;
    const count2 = this.all ? this.points2 : this.exceed2;
    const c2 = -Math.log10(rate2) + (count2 / this.excess2) * Math.log10(s / this.u2);
    return c2 < c ? c2 : c;
  }

  /** Learns `s`. */
  learn(s: number): void {
    const keep = this.keep;
    this.n = this.n * keep + 1;
    this.exceed *= keep;
    this.points *= keep;
    this.excess *= keep;
    if (s > this.u) this.exceedance(s);
    else this.peak = -1;
    if (this.u2 === Number.POSITIVE_INFINITY) return;
    this.exceed2 *= keep;
    this.points2 *= keep;
    this.excess2 *= keep;
    if (s > this.u2) this.exceedance2(s);
    else this.peak2 = -1;
  }

  /** Learns an `s` over u (counts already decayed). */
  private exceedance(s: number): void {
    const e = Math.min(s - this.u, this.maxExcess);
    this.points += 1;
    if (this.peak < 0) this.exceed += 1;
    if (this.all) this.excess += e;
    else if (e > this.peak) this.excess += e - Math.max(this.peak, 0);
    this.peak = Math.max(this.peak, e);
  }

  /** Learns an `s` over u2 (counts already decayed). */
  private exceedance2(s: number): void {
    const e = Math.min(Math.log(s / this.u2), this.maxExcess2);
    this.points2 += 1;
    if (this.peak2 < 0) this.exceed2 += 1;
    if (this.all) this.excess2 += e;
    else if (e > this.peak2) this.excess2 += e - Math.max(this.peak2, 0);
    this.peak2 = Math.max(this.peak2, e);
  }

  /** Calibrates then learns: the usual streaming step. */
  update(s: number): number {
    const c = this.calibrate(s);
    this.learn(s);
    return c;
  }

  snapshot(): TailCalibratorStateV3 {
    const lo = [
      this.u,
      this.forget,
      this.maxExcess,
      this.n,
      this.exceed,
      this.points,
      this.excess,
      this.peak,
    ];
    const hi =
      this.u2 === Number.POSITIVE_INFINITY
        ? null
        : [this.u2, this.maxExcess2, this.exceed2, this.points2, this.excess2, this.peak2];
    return { v: 3, from: this.excessFrom, lo, hi };
  }

  /**
   * Restores a state. Older versions take each past exceedance as its own run; a version-2
   * upper level (exponential) becomes a power law with the same mean excess in log terms.
   * `from` overrides how an older state's excesses are read (for smoothed statistics).
   */
  static restore(s: TailCalibratorState, from?: ExcessFrom): TailCalibrator {
    checkVersion(s.v, 'TailCalibrator', 3);
    if (s.v === 3) {
      const lo = s.lo.map(Number);
      const c = new TailCalibrator(lo[0], 1, lo[1], lo[2], s.from);
      [c.n, c.exceed, c.points, c.excess, c.peak] = lo.slice(3) as [number, number, number, number, number];
      if (s.hi !== null) {
        const hi = s.hi.map(Number);
        c.withUpper(hi[0] as number, hi[1] as number);
        [c.exceed2, c.points2, c.excess2, c.peak2] = hi.slice(2) as [number, number, number, number];
      }
      return c;
    }
    const c = new TailCalibrator(s.u, 1, s.forget, s.maxExcess, from ?? 'peak');
    c.n = s.n;
    c.exceed = c.points = s.exceed;
    c.excess = s.excess;
    if (s.v === 2 && typeof s.u2 === 'number') {
      // The old cap on an excess over u2 caps the log excess at the same surprise.
      c.withUpper(s.u2, Math.log1p((s.maxExcess2 ?? 0) / s.u2));
      c.exceed2 = c.points2 = s.exceed2 ?? 0;
      const meanExcess = (s.excess2 ?? 0) / Math.max(c.exceed2, 1e-300);
      c.excess2 = c.exceed2 * Math.log1p(meanExcess / s.u2);
    }
    return c;
  }
}
