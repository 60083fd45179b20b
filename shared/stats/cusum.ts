/**
 * Two-sided tabular CUSUM (Page 1954, "Continuous inspection schemes", Biometrika 41;
 * Montgomery, "Introduction to Statistical Quality Control", §9.1). Fed standardised
 * values z = (x − μ₀)/σ: S⁺ ← max(0, S⁺ + z − k), S⁻ ← max(0, S⁻ − z − k); a shift of
 * about 2k standard deviations is detected fastest, and h sets the in-control run length
 * (k = 0.5, h = 5 gives ARL₀ ≈ 465 for Gaussian input). O(1), two numbers of state.
 */
import { checkVersion } from './ring-buffer.ts';

export interface CusumState {
  v: 1;
  k: number;
  h: number;
  up: number;
  down: number;
  upRun: number;
  downRun: number;
}

export class Cusum {
  readonly k: number;
  readonly h: number;
  private up = 0;
  private down = 0;
  private upRun = 0;
  private downRun = 0;

  constructor(k = 0.5, h = 5) {
    if (!(k >= 0) || !(h > 0)) throw new RangeError(`Cusum needs k ≥ 0 and h > 0, got k=${k}, h=${h}`);
    this.k = k;
    this.h = h;
  }

  /** Adds one standardised value; returns +1 (upward alarm), −1 (downward) or 0. */
  push(z: number): number {
    this.up = Math.max(0, this.up + z - this.k);
    this.down = Math.max(0, this.down - z - this.k);
    this.upRun = this.up > 0 ? this.upRun + 1 : 0;
    this.downRun = this.down > 0 ? this.downRun + 1 : 0;
    if (this.up > this.h) return 1;
    if (this.down > this.h) return -1;
    return 0;
  }

  /** Larger of the two sums, in standard deviations. */
  get statistic(): number {
    return Math.max(this.up, this.down);
  }
  get upper(): number {
    return this.up;
  }
  get lower(): number {
    return this.down;
  }

  /**
   * Size of the shift that drove the larger sum, in standard deviations, signed:
   * k + S/N with N the samples since that sum was last zero (Montgomery §9.1.2).
   */
  get shiftEstimate(): number {
    if (this.up >= this.down) return this.upRun === 0 ? 0 : this.k + this.up / this.upRun;
    return this.downRun === 0 ? 0 : -(this.k + this.down / this.downRun);
  }

  reset(): void {
    this.up = 0;
    this.down = 0;
    this.upRun = 0;
    this.downRun = 0;
  }

  snapshot(): CusumState {
    const { k, h, up, down, upRun, downRun } = this;
    return { v: 1, k, h, up, down, upRun, downRun };
  }

  static restore(s: CusumState): Cusum {
    checkVersion(s.v, 'Cusum');
    const c = new Cusum(s.k, s.h);
    c.up = s.up;
    c.down = s.down;
    c.upRun = s.upRun;
    c.downRun = s.downRun;
    return c;
  }
}
