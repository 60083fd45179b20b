/**
 * Median and median absolute deviation over the last `window` samples. A ring buffer
 * remembers arrival order; a sorted Float64Array gives order statistics. Update is a
 * binary search plus one `copyWithin` (a memmove of at most `window` doubles, no
 * allocation); median is O(1); MAD is O(window) by merging the two sorted deviation
 * runs either side of the median, no sort and no allocation. MAD is the robust scale
 * of Hampel (1974); 1.4826·MAD estimates σ for Gaussian data.
 */
import { RingBuffer, checkVersion } from './ring-buffer.ts';

export interface RollingMedianState {
  v: 1;
  window: number;
  values: number[];
}

export class RollingMedian {
  readonly window: number;
  private readonly ring: RingBuffer;
  private readonly sorted: Float64Array;

  constructor(window: number) {
    this.window = window;
    this.ring = new RingBuffer(window);
    this.sorted = new Float64Array(window);
  }

  /** Adds a finite value (callers filter NaN: it has no place in an order). */
  push(x: number): void {
    const size = this.ring.length;
    const evicted = this.ring.push(x);
    let len = size;
    if (size === this.window) {
      const at = lowerBound(this.sorted, len, evicted);
      this.sorted.copyWithin(at, at + 1, len);
      len--;
    }
    const at = upperBound(this.sorted, len, x);
    this.sorted.copyWithin(at + 1, at, len);
    this.sorted[at] = x;
  }

  get length(): number {
    return this.ring.length;
  }

  get full(): boolean {
    return this.ring.full;
  }

  /** Median of the window (mean of the two middle values when even), NaN when empty. */
  get median(): number {
    const n = this.ring.length;
    if (n === 0) return Number.NaN;
    const s = this.sorted;
    return n % 2 === 1 ? (s[(n - 1) / 2] as number) : ((s[n / 2 - 1] as number) + (s[n / 2] as number)) / 2;
  }

  /** p-quantile of the window, linear interpolation (R type 7, as simple-statistics). */
  quantile(p: number): number {
    const n = this.ring.length;
    if (n === 0) return Number.NaN;
    return quantileType7(this.sorted, n, p);
  }

  /** Median absolute deviation from the median (unscaled), NaN when empty. */
  get mad(): number {
    const n = this.ring.length;
    if (n === 0) return Number.NaN;
    const s = this.sorted;
    const med = this.median;
    // Deviations left of `split` grow as the index falls, right of it as it rises:
    // two sorted runs. Walk their merge to the middle rank(s).
    const split = lowerBound(s, n, med);
    let i = split - 1;
    let j = split;
    const k = n % 2 === 1 ? (n - 1) / 2 : n / 2 - 1;
    let prev = 0;
    let cur = 0;
    for (let r = 0; r <= k + (n % 2 === 0 ? 1 : 0); r++) {
      const dl = i >= 0 ? med - (s[i] as number) : Number.POSITIVE_INFINITY;
      const dr = j < n ? (s[j] as number) - med : Number.POSITIVE_INFINITY;
      prev = cur;
      if (dl <= dr) {
        cur = dl;
        i--;
      } else {
        cur = dr;
        j++;
      }
    }
    return n % 2 === 1 ? cur : (prev + cur) / 2;
  }

  /** Most recently added value. */
  last(): number {
    return this.ring.last();
  }

  /** i-th value in arrival order, 0 = oldest. */
  get(i: number): number {
    return this.ring.get(i);
  }

  snapshot(): RollingMedianState {
    return { v: 1, window: this.window, values: this.ring.toArray() };
  }

  static restore(s: RollingMedianState): RollingMedian {
    checkVersion(s.v, 'RollingMedian');
    const r = new RollingMedian(s.window);
    for (const x of s.values) r.push(x);
    return r;
  }
}

/** p-quantile of sorted a[0..n) by linear interpolation between order statistics. */
export function quantileType7(a: ArrayLike<number>, n: number, p: number): number {
  if (p <= 0) return a[0] as number;
  if (p >= 1) return a[n - 1] as number;
  const idx = (n - 1) * p;
  const lo = Math.floor(idx);
  const hi = Math.ceil(idx);
  return (a[lo] as number) + (idx - lo) * ((a[hi] as number) - (a[lo] as number));
}

/** First index in a[0..len) whose value is ≥ x. */
function lowerBound(a: Float64Array, len: number, x: number): number {
  let lo = 0;
  let hi = len;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in a[0..len) whose value is > x. */
function upperBound(a: Float64Array, len: number, x: number): number {
  let lo = 0;
  let hi = len;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
