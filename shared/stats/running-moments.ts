/**
 * Running mean and variance by Welford's algorithm (Welford 1962; Chan, Golub & LeVeque
 * 1979 for merging). Numerically stable, O(1) per update, three numbers of state.
 */
import { checkVersion } from './ring-buffer.ts';

export interface RunningMomentsState {
  v: 1;
  n: number;
  mean: number;
  m2: number;
  min: number;
  max: number;
}

export class RunningMoments {
  private n = 0;
  private mu = 0;
  private m2 = 0;
  private lo = Number.POSITIVE_INFINITY;
  private hi = Number.NEGATIVE_INFINITY;

  push(x: number): void {
    this.n++;
    const d = x - this.mu;
    this.mu += d / this.n;
    this.m2 += d * (x - this.mu);
    if (x < this.lo) this.lo = x;
    if (x > this.hi) this.hi = x;
  }

  /** Combines another accumulator into this one (Chan et al. 1979, parallel variance). */
  merge(other: RunningMoments): void {
    if (other.n === 0) return;
    const n = this.n + other.n;
    const d = other.mu - this.mu;
    this.m2 += other.m2 + (d * d * this.n * other.n) / n;
    this.mu += (d * other.n) / n;
    this.n = n;
    this.lo = Math.min(this.lo, other.lo);
    this.hi = Math.max(this.hi, other.hi);
  }

  get count(): number {
    return this.n;
  }
  get mean(): number {
    return this.n === 0 ? Number.NaN : this.mu;
  }
  /** Population variance (divides by n), as simple-statistics `variance`. */
  get variance(): number {
    return this.n === 0 ? Number.NaN : this.m2 / this.n;
  }
  /** Unbiased sample variance (divides by n − 1), as simple-statistics `sampleVariance`. */
  get sampleVariance(): number {
    return this.n < 2 ? Number.NaN : this.m2 / (this.n - 1);
  }
  get std(): number {
    return Math.sqrt(this.variance);
  }
  get min(): number {
    return this.n === 0 ? Number.NaN : this.lo;
  }
  get max(): number {
    return this.n === 0 ? Number.NaN : this.hi;
  }

  snapshot(): RunningMomentsState {
    return { v: 1, n: this.n, mean: this.mu, m2: this.m2, min: this.lo, max: this.hi };
  }

  static restore(s: RunningMomentsState): RunningMoments {
    checkVersion(s.v, 'RunningMoments');
    const r = new RunningMoments();
    r.n = s.n;
    r.mu = s.mean;
    r.m2 = s.m2;
    // JSON turns ±Infinity into null; an empty accumulator restores to its initial bounds.
    r.lo = s.n === 0 || s.min === null ? Number.POSITIVE_INFINITY : s.min;
    r.hi = s.n === 0 || s.max === null ? Number.NEGATIVE_INFINITY : s.max;
    return r;
  }
}
