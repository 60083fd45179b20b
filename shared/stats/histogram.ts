/**
 * Fixed-edge histogram with optional exponential forgetting, the input to PSI, KS and
 * chi-squared comparisons (distribution-distance.ts). Bins: an underflow bin (< first
 * edge), one bin per pair of edges [e_i, e_{i+1}), and an overflow bin (≥ last edge).
 * Forgetting by a factor f per sample is done lazily — the increment grows by 1/f and
 * the counts are rescaled rarely — so an update is a binary search and one add.
 */
import { checkVersion } from './ring-buffer.ts';

export interface HistogramState {
  v: 1;
  edges: number[];
  forget: number;
  increment: number;
  counts: number[];
}

/** Rescale before the lazy increment can lose precision or overflow. */
const RESCALE_AT = 1e100;

export class Histogram {
  readonly edges: Float64Array;
  /** Weight kept by old counts per new sample; 1 = no forgetting. */
  readonly forget: number;
  private readonly raw: Float64Array;
  private increment = 1;

  constructor(edges: readonly number[], forget = 1) {
    for (let i = 1; i < edges.length; i++) {
      if (!((edges[i] as number) > (edges[i - 1] as number)))
        throw new RangeError('Histogram edges must increase');
    }
    if (edges.length < 1 || !(forget > 0 && forget <= 1)) {
      throw new RangeError('Histogram needs at least one edge and 0 < forget ≤ 1');
    }
    this.edges = Float64Array.from(edges);
    this.forget = forget;
    this.raw = new Float64Array(edges.length + 1);
  }

  /** `bins` equal-width bins over [min, max), plus the under- and overflow bins. */
  static linear(min: number, max: number, bins: number, forget = 1): Histogram {
    const edges = Array.from({ length: bins + 1 }, (_, i) => min + ((max - min) * i) / bins);
    return new Histogram(edges, forget);
  }

  /** Number of bins including under- and overflow. */
  get size(): number {
    return this.raw.length;
  }

  binOf(x: number): number {
    let lo = 0;
    let hi = this.edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.edges[mid] as number) <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  push(x: number, weight = 1): void {
    if (Number.isNaN(x)) return;
    if (this.forget < 1) {
      this.increment /= this.forget;
      if (this.increment > RESCALE_AT) {
        for (let i = 0; i < this.raw.length; i++) this.raw[i] = (this.raw[i] as number) / this.increment;
        this.increment = 1;
      }
    }
    const b = this.binOf(x);
    this.raw[b] = (this.raw[b] as number) + weight * this.increment;
  }

  /** Current (forgotten) weight of bin i. */
  count(i: number): number {
    return (this.raw[i] ?? 0) / this.increment;
  }

  /** Copies all bin weights into `out` (length `size`) and returns their total. */
  countsInto(out: Float64Array): number {
    let total = 0;
    for (let i = 0; i < this.raw.length; i++) {
      const c = (this.raw[i] as number) / this.increment;
      out[i] = c;
      total += c;
    }
    return total;
  }

  counts(): Float64Array {
    const out = new Float64Array(this.raw.length);
    this.countsInto(out);
    return out;
  }

  get total(): number {
    let t = 0;
    for (let i = 0; i < this.raw.length; i++) t += this.raw[i] as number;
    return t / this.increment;
  }

  snapshot(): HistogramState {
    return {
      v: 1,
      edges: Array.from(this.edges),
      forget: this.forget,
      increment: this.increment,
      counts: Array.from(this.raw),
    };
  }

  static restore(s: HistogramState): Histogram {
    checkVersion(s.v, 'Histogram');
    const h = new Histogram(s.edges, s.forget);
    h.increment = s.increment;
    h.raw.set(s.counts);
    return h;
  }
}
