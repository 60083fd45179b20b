/**
 * Streaming quantile estimate by the P² algorithm (Jain & Chlamtac 1985, "The P²
 * algorithm for dynamic calculation of quantiles and histograms without storing
 * observations", CACM 28(10)). Five markers whose heights follow a piecewise-parabolic
 * fit of the CDF: O(1) per update, 20 numbers of state, no stored observations.
 * Exact for the first five samples; afterwards typically within a few percent of the
 * batch quantile on smooth distributions.
 */
import { checkVersion } from './ring-buffer.ts';

export interface P2QuantileState {
  v: 1;
  p: number;
  count: number;
  q: number[];
  n: number[];
  np: number[];
}

export class P2Quantile {
  readonly p: number;
  private count = 0;
  private readonly q = new Float64Array(5); // marker heights
  private readonly n = new Float64Array(5); // actual marker positions (1-based)
  private readonly np = new Float64Array(5); // desired positions
  private readonly dn: Float64Array;

  constructor(p: number) {
    if (!(p > 0 && p < 1)) throw new RangeError(`P2Quantile p must be in (0, 1), got ${p}`);
    this.p = p;
    this.dn = Float64Array.of(0, p / 2, p, (1 + p) / 2, 1);
  }

  push(x: number): void {
    const q = this.q;
    const n = this.n;
    if (this.count < 5) {
      // Insertion sort into the first markers until there are five.
      let i = this.count++;
      while (i > 0 && (q[i - 1] as number) > x) {
        q[i] = q[i - 1] as number;
        i--;
      }
      q[i] = x;
      if (this.count === 5) {
        const p = this.p;
        for (let j = 0; j < 5; j++) n[j] = j + 1;
        this.np.set([1, 1 + 2 * p, 1 + 4 * p, 3 + 2 * p, 5]);
      }
      return;
    }
    this.count++;
    let k: number;
    if (x < (q[0] as number)) {
      q[0] = x;
      k = 0;
    } else if (x >= (q[4] as number)) {
      q[4] = x;
      k = 3;
    } else {
      k = 0;
      while (k < 3 && x >= (q[k + 1] as number)) k++;
    }
    for (let i = k + 1; i < 5; i++) n[i] = (n[i] as number) + 1;
    for (let i = 0; i < 5; i++) this.np[i] = (this.np[i] as number) + (this.dn[i] as number);
    for (let i = 1; i <= 3; i++) this.adjust(i);
  }

  private adjust(i: number): void {
    const q = this.q;
    const n = this.n;
    const ni = n[i] as number;
    const d = (this.np[i] as number) - ni;
    const up = (n[i + 1] as number) - ni;
    const down = (n[i - 1] as number) - ni;
    if (!((d >= 1 && up > 1) || (d <= -1 && down < -1))) return;
    const s = d > 0 ? 1 : -1;
    const qi = q[i] as number;
    const qUp = q[i + 1] as number;
    const qDown = q[i - 1] as number;
    // Piecewise-parabolic prediction (Jain & Chlamtac eq. 5); fall back to linear when
    // it would break the markers' monotonicity.
    const para =
      qi + (s / (up - down)) * ((s - down) * ((qUp - qi) / up) + (up - s) * ((qi - qDown) / -down));
    if (qDown < para && para < qUp) {
      q[i] = para;
    } else {
      const j = i + s;
      q[i] = qi + (s * ((q[j] as number) - qi)) / ((n[j] as number) - ni);
    }
    n[i] = ni + s;
  }

  get size(): number {
    return this.count;
  }

  /** Current estimate; NaN before the first sample, exact while fewer than five. */
  get value(): number {
    if (this.count === 0) return Number.NaN;
    if (this.count < 5) {
      // Same rule as simple-statistics `quantileSorted` (linear, R type 7).
      const idx = (this.count - 1) * this.p;
      const lo = Math.floor(idx);
      const hi = Math.ceil(idx);
      return (this.q[lo] as number) + (idx - lo) * ((this.q[hi] as number) - (this.q[lo] as number));
    }
    return this.q[2] as number;
  }

  snapshot(): P2QuantileState {
    return {
      v: 1,
      p: this.p,
      count: this.count,
      q: Array.from(this.q),
      n: Array.from(this.n),
      np: Array.from(this.np),
    };
  }

  static restore(s: P2QuantileState): P2Quantile {
    checkVersion(s.v, 'P2Quantile');
    const r = new P2Quantile(s.p);
    r.count = s.count;
    r.q.set(s.q);
    r.n.set(s.n);
    r.np.set(s.np);
    return r;
  }
}
