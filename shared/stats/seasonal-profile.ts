/**
 * A learned seasonal profile: the period (a day, a week) is cut into equal bins and each
 * bin keeps an exponentially weighted mean and variance of what it has seen (the
 * per-bin smoothing of Holt-Winters seasonal indices, Winters 1960, with one index per
 * bin). `expected(t)` interpolates linearly between bin centres so a smooth daily curve
 * is not a staircase. O(1) per update; 3 numbers per bin.
 *
 * Times are epoch milliseconds in UTC; `offsetMs` moves the phase (a site's local time,
 * or Monday 00:00 as the start of the week).
 */
import { checkVersion } from './ring-buffer.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;
/** 1970-01-01 was a Thursday; Monday 00:00 UTC is four days later. */
const MONDAY_OFFSET_MS = -4 * DAY_MS;

export interface SeasonalProfileState {
  v: 1;
  periodMs: number;
  bins: number;
  alpha: number;
  offsetMs: number;
  n: number[];
  mean: number[];
  variance: number[];
}

export interface SeasonalProfileOptions {
  periodMs: number;
  bins: number;
  /** Learning rate of each bin (weight of the newest sample once a bin is warm). */
  alpha?: number;
  offsetMs?: number;
}

export class SeasonalProfile {
  readonly periodMs: number;
  readonly bins: number;
  readonly alpha: number;
  readonly offsetMs: number;
  private readonly n: Float64Array;
  private readonly mu: Float64Array;
  private readonly var: Float64Array;

  constructor(o: SeasonalProfileOptions) {
    if (!(o.periodMs > 0) || !Number.isInteger(o.bins) || o.bins < 1) {
      throw new RangeError(`SeasonalProfile needs periodMs > 0 and integer bins ≥ 1`);
    }
    this.periodMs = o.periodMs;
    this.bins = o.bins;
    this.alpha = o.alpha ?? 0.1;
    this.offsetMs = o.offsetMs ?? 0;
    this.n = new Float64Array(o.bins);
    this.mu = new Float64Array(o.bins);
    this.var = new Float64Array(o.bins);
  }

  /** 24 hourly bins over a UTC day (shift with `offsetMs` for local time). */
  static hourOfDay(alpha = 0.1, offsetMs = 0): SeasonalProfile {
    return new SeasonalProfile({ periodMs: DAY_MS, bins: 24, alpha, offsetMs });
  }

  /** 168 hourly bins over a week starting Monday 00:00 UTC (plus `offsetMs`). */
  static hourOfWeek(alpha = 0.1, offsetMs = 0): SeasonalProfile {
    return new SeasonalProfile({
      periodMs: WEEK_MS,
      bins: 168,
      alpha,
      offsetMs: MONDAY_OFFSET_MS + offsetMs,
    });
  }

  /** Continuous bin coordinate in [0, bins). */
  private phase(t: number): number {
    const p = (t + this.offsetMs) % this.periodMs;
    return ((p < 0 ? p + this.periodMs : p) / this.periodMs) * this.bins;
  }

  binOf(t: number): number {
    return Math.min(this.bins - 1, Math.floor(this.phase(t)));
  }

  /**
   * Learns `x` at time `t`. `alpha` overrides the learning rate for this sample — with
   * many samples per bin per period, pass a smaller one so a bin remembers whole periods
   * rather than the last few minutes.
   */
  update(t: number, x: number, alpha = this.alpha): void {
    const b = this.binOf(t);
    const n = (this.n[b] as number) + 1;
    this.n[b] = n;
    if (n === 1) {
      this.mu[b] = x;
      this.var[b] = 0;
      return;
    }
    const a = Math.max(alpha, 1 / n);
    const d = x - (this.mu[b] as number);
    this.mu[b] = (this.mu[b] as number) + a * d;
    this.var[b] = (1 - a) * ((this.var[b] as number) + a * d * d);
  }

  /** Samples seen by the bin of `t`. */
  countAt(t: number): number {
    return this.n[this.binOf(t)] as number;
  }

  /** Smallest sample count over all bins: the profile is learned once this is enough. */
  minCount(): number {
    let m = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.bins; i++) if ((this.n[i] as number) < m) m = this.n[i] as number;
    return m;
  }

  /** Mean of the bin of `t`, linearly interpolated to the neighbouring bin centre. */
  expected(t: number, minSamples = 1): number {
    return this.interpolate(this.mu, t, minSamples);
  }

  /** Variance of the bin of `t`, interpolated like `expected`. */
  variance(t: number, minSamples = 1): number {
    return this.interpolate(this.var, t, minSamples);
  }

  private interpolate(arr: Float64Array, t: number, minSamples: number): number {
    const ph = this.phase(t) - 0.5;
    const lo = Math.floor(ph);
    const w = ph - lo;
    const i = (lo + this.bins) % this.bins;
    const j = (i + 1) % this.bins;
    const ni = this.n[i] as number;
    const nj = this.n[j] as number;
    if (ni >= minSamples && nj >= minSamples) return (1 - w) * (arr[i] as number) + w * (arr[j] as number);
    const b = this.binOf(t);
    return (this.n[b] as number) >= minSamples ? (arr[b] as number) : Number.NaN;
  }

  snapshot(): SeasonalProfileState {
    return {
      v: 1,
      periodMs: this.periodMs,
      bins: this.bins,
      alpha: this.alpha,
      offsetMs: this.offsetMs,
      n: Array.from(this.n),
      mean: Array.from(this.mu),
      variance: Array.from(this.var),
    };
  }

  static restore(s: SeasonalProfileState): SeasonalProfile {
    checkVersion(s.v, 'SeasonalProfile');
    const p = new SeasonalProfile({
      periodMs: s.periodMs,
      bins: s.bins,
      alpha: s.alpha,
      offsetMs: s.offsetMs,
    });
    p.n.set(s.n);
    p.mu.set(s.mean);
    p.var.set(s.variance);
    return p;
  }
}
