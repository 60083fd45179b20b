/**
 * Two-sided Page-Hinkley test for a change in the mean (Page 1954; Hinkley 1971; the
 * streaming form with a forgetting factor of Gama et al. 2014, "A survey on concept
 * drift adaptation", ACM CSUR 46(4) §3.2). With x̄ the running mean,
 * m⁺ = Σ(x − x̄ − δ), PH⁺ = m⁺ − min m⁺ (and mirrored for decreases); an alarm when
 * PH > λ. δ is the tolerated drift, λ the threshold, `alpha` ≤ 1 fades old evidence.
 * O(1), six numbers of state.
 */
import { checkVersion } from './ring-buffer.ts';

export interface PageHinkleyState {
  v: 1;
  delta: number;
  lambda: number;
  alpha: number;
  n: number;
  mean: number;
  up: number;
  upMin: number;
  down: number;
  downMax: number;
}

export class PageHinkley {
  readonly delta: number;
  readonly lambda: number;
  readonly alpha: number;
  private n = 0;
  private mean = 0;
  private up = 0;
  private upMin = 0;
  private down = 0;
  private downMax = 0;

  constructor(delta = 0.005, lambda = 50, alpha = 1) {
    if (!(delta >= 0) || !(lambda > 0) || !(alpha > 0 && alpha <= 1)) {
      throw new RangeError(`PageHinkley needs δ ≥ 0, λ > 0, 0 < α ≤ 1 (got ${delta}, ${lambda}, ${alpha})`);
    }
    this.delta = delta;
    this.lambda = lambda;
    this.alpha = alpha;
  }

  /** Adds a value; returns +1 for a detected increase, −1 for a decrease, else 0. */
  push(x: number): number {
    this.n++;
    this.mean += (x - this.mean) / this.n;
    this.up = this.alpha * this.up + (x - this.mean - this.delta);
    this.down = this.alpha * this.down + (x - this.mean + this.delta);
    if (this.up < this.upMin) this.upMin = this.up;
    if (this.down > this.downMax) this.downMax = this.down;
    if (this.up - this.upMin > this.lambda) return 1;
    if (this.downMax - this.down > this.lambda) return -1;
    return 0;
  }

  /** Larger of the two test statistics. */
  get statistic(): number {
    return Math.max(this.up - this.upMin, this.downMax - this.down);
  }

  get count(): number {
    return this.n;
  }

  reset(): void {
    this.n = 0;
    this.mean = 0;
    this.up = 0;
    this.upMin = 0;
    this.down = 0;
    this.downMax = 0;
  }

  snapshot(): PageHinkleyState {
    const { delta, lambda, alpha, n, mean, up, upMin, down, downMax } = this;
    return { v: 1, delta, lambda, alpha, n, mean, up, upMin, down, downMax };
  }

  static restore(s: PageHinkleyState): PageHinkley {
    checkVersion(s.v, 'PageHinkley');
    const p = new PageHinkley(s.delta, s.lambda, s.alpha);
    p.n = s.n;
    p.mean = s.mean;
    p.up = s.up;
    p.upMin = s.upMin;
    p.down = s.down;
    p.downMax = s.downMax;
    return p;
  }
}
