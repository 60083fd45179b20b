/**
 * Exponentially weighted mean and variance (West 1979; Finch 2009, "Incremental
 * calculation of weighted mean and variance", §9). O(1) per update, two numbers of state.
 *
 * `alpha` is the weight of the newest sample. For irregular sampling pass a per-update
 * alpha from `alphaForInterval`, so the memory is a time constant, not a point count.
 */
import { checkVersion } from './ring-buffer.ts';

export interface EwmaState {
  v: 1;
  alpha: number;
  n: number;
  mean: number;
  variance: number;
}

/** Alpha that gives a half-life of `halfLife` for a step of `dt` (same unit). */
export function alphaForInterval(dt: number, halfLife: number): number {
  if (!(dt > 0) || !(halfLife > 0)) return 0;
  return 1 - Math.pow(0.5, dt / halfLife);
}

/** Alpha whose centre of mass is `span` samples back, as pandas' `span`: 2 / (span + 1). */
export function alphaForSpan(span: number): number {
  return 2 / (span + 1);
}

export class Ewma {
  readonly alpha: number;
  private n = 0;
  private mu = 0;
  private var = 0;

  constructor(alpha: number) {
    if (!(alpha > 0 && alpha <= 1)) throw new RangeError(`Ewma alpha must be in (0, 1], got ${alpha}`);
    this.alpha = alpha;
  }

  push(x: number): void {
    this.pushWithAlpha(x, this.alpha);
  }

  /**
   * Update with an explicit weight. The first sample initialises the mean; until 1/alpha
   * samples have been seen the weight is at least 1/n, so early estimates are plain
   * averages rather than biased towards the first value.
   */
  pushWithAlpha(x: number, alpha: number): void {
    this.n++;
    if (this.n === 1) {
      this.mu = x;
      this.var = 0;
      return;
    }
    const a = Math.max(alpha, 1 / this.n);
    const d = x - this.mu;
    const incr = a * d;
    this.mu += incr;
    // Finch (2009) eq. 143: S_n = (1 - a) (S_{n-1} + a d^2).
    this.var = (1 - a) * (this.var + d * incr);
  }

  /** Moves the mean by `delta` without touching the variance (an accepted level shift). */
  shift(delta: number): void {
    this.mu += delta;
  }

  get count(): number {
    return this.n;
  }
  get mean(): number {
    return this.n === 0 ? Number.NaN : this.mu;
  }
  get variance(): number {
    return this.n === 0 ? Number.NaN : this.var;
  }
  get std(): number {
    return Math.sqrt(this.variance);
  }

  snapshot(): EwmaState {
    return { v: 1, alpha: this.alpha, n: this.n, mean: this.mu, variance: this.var };
  }

  static restore(s: EwmaState): Ewma {
    checkVersion(s.v, 'Ewma');
    const e = new Ewma(s.alpha);
    e.n = s.n;
    e.mu = s.mean;
    e.var = s.variance;
    return e;
  }
}
