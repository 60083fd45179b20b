/**
 * How far a value lies outside the range a series has recently kept: its two tail
 * quantiles (1 % and 99 % by default) are tracked by stochastic approximation (Robbins &
 * Monro 1951; the step scaled by the spread between them so it suits any unit), and the
 * excesses beyond each are modelled as exponential (peaks over threshold, as in SPOT,
 * Siffer et al. 2017). Surprise = −log10 P(X beyond x). O(1), eight numbers of state.
 */
import { checkVersion } from './ring-buffer.ts';

export interface RangeTailState {
  v: 1;
  tail: number;
  rate: number;
  n: number;
  hi: number;
  lo: number;
  excessHi: number;
  excessLo: number;
}

const LOG10E = Math.LOG10E;

export class RangeTail {
  readonly tail: number;
  readonly rate: number;
  private n = 0;
  private hi = 0;
  private lo = 0;
  private excessHi = 0;
  private excessLo = 0;

  constructor(tail = 0.01, rate = 0.02) {
    this.tail = tail;
    this.rate = rate;
  }

  get count(): number {
    return this.n;
  }

  /** Surprise (−log10 tail probability) of x against the range learned so far. */
  surprise(x: number): number {
    if (this.n < 2) return 0;
    const base = -Math.log10(this.tail);
    if (x > this.hi && this.excessHi > 0) return base + ((x - this.hi) / this.excessHi) * LOG10E;
    if (x < this.lo && this.excessLo > 0) return base + ((this.lo - x) / this.excessLo) * LOG10E;
    return 0;
  }

  learn(x: number, floor: number): void {
    this.n++;
    if (this.n === 1) {
      this.hi = x;
      this.lo = x;
      return;
    }
    const spread = Math.max(this.hi - this.lo, floor);
    const step = this.rate * spread;
    const a = Math.max(this.rate, 1 / this.n);
    if (x > this.hi) {
      const e = x - this.hi;
      this.excessHi += a * (Math.min(e, 5 * Math.max(this.excessHi, spread / 10)) - this.excessHi);
      this.hi += step * (1 - this.tail);
    } else this.hi -= step * this.tail;
    if (x < this.lo) {
      const e = this.lo - x;
      this.excessLo += a * (Math.min(e, 5 * Math.max(this.excessLo, spread / 10)) - this.excessLo);
      this.lo -= step * (1 - this.tail);
    } else this.lo += step * this.tail;
    if (this.lo > this.hi) this.lo = this.hi = (this.lo + this.hi) / 2;
  }

  snapshot(): RangeTailState {
    const { tail, rate, n, hi, lo, excessHi, excessLo } = this;
    return { v: 1, tail, rate, n, hi, lo, excessHi, excessLo };
  }

  static restore(s: RangeTailState): RangeTail {
    checkVersion(s.v, 'RangeTail');
    const r = new RangeTail(s.tail, s.rate);
    r.n = s.n;
    r.hi = s.hi;
    r.lo = s.lo;
    r.excessHi = s.excessHi;
    r.excessLo = s.excessLo;
    return r;
  }
}
