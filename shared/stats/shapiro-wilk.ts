/**
 * The Shapiro–Wilk test of normality (Shapiro & Wilk 1965) with Royston's approximations
 * of the coefficients and of the null distribution of W, valid for 3 ≤ n ≤ 5000
 * (Royston 1992, "Approximating the Shapiro–Wilk W-test for non-normality", Statistics
 * and Computing 2; Royston 1995, "Remark AS R94: a remark on algorithm AS 181", Applied
 * Statistics 44(4)) — the algorithm behind R's `shapiro.test` and SciPy's `shapiro`.
 *
 * W is the squared correlation between the ordered sample and the coefficients a, so it
 * lies in (0, 1] and is near 1 for normal data. The coefficients depend on n only; they
 * are cached per n (≈ 0.1 MB for every size up to 256), so a test is one sort and
 * one pass. Cost: O(n log n) for the sort plus O(n); O(n) normal quantiles once per n.
 */
import { normalTail } from './normal.ts';
import { normalQuantile } from './normal-quantile.ts';

export interface ShapiroWilkResult {
  /** The W statistic, in (0, 1]. */
  w: number;
  /** P(W ≤ w) under normality (Royston's normalising transformation). */
  pValue: number;
  n: number;
}

export const SHAPIRO_WILK_MIN_N = 3;
export const SHAPIRO_WILK_MAX_N = 5000;

// Royston's polynomial coefficients (AS R94), lowest order first.
const C1 = [0, 0.221157, -0.147981, -2.07119, 4.434685, -2.706056];
const C2 = [0, 0.042981, -0.293762, -1.752461, 5.682633, -3.582633];
const C3 = [0.544, -0.39978, 0.025054, -6.714e-4];
const C4 = [1.3822, -0.77857, 0.062767, -0.0020322];
const C5 = [-1.5861, -0.31082, -0.083751, 0.0038915];
const C6 = [-0.4803, -0.082676, 0.0030302];
const G = [-2.273, 0.459];

function poly(c: readonly number[], x: number): number {
  let s = 0;
  for (let i = c.length - 1; i >= 0; i--) s = s * x + (c[i] as number);
  return s;
}

/** The upper-half coefficients a[0..⌊n/2⌋), largest first (AS R94's `a`). */
const cache = new Map<number, Float64Array>();
/**
 * Coefficients held by the cache, bounded at 2^18 (2 MiB): every n from 3 to 1000. A
 * detector that tests windows of varying size (PRADA: 100 to 256) needs one entry per
 * size, and recomputing one costs n/2 normal quantiles.
 */
let cachedCoefficients = 0;
const MAX_CACHED_COEFFICIENTS = 1 << 18;

export function shapiroWilkCoefficients(n: number): Float64Array {
  let a = cache.get(n);
  if (a !== undefined) return a;
  const half = Math.floor(n / 2);
  a = new Float64Array(half);
  if (n === 3) {
    a[0] = Math.SQRT1_2;
  } else {
    const m = new Float64Array(half);
    let summ2 = 0;
    for (let i = 0; i < half; i++) {
      m[i] = normalQuantile((i + 1 - 0.375) / (n + 0.25));
      summ2 += (m[i] as number) * (m[i] as number);
    }
    summ2 *= 2;
    const ssumm2 = Math.sqrt(summ2);
    const rsn = 1 / Math.sqrt(n);
    const m0 = m[0] as number;
    const a1 = poly(C1, rsn) - m0 / ssumm2;
    let first: number;
    let fac: number;
    if (n > 5) {
      const m1 = m[1] as number;
      const a2 = -m1 / ssumm2 + poly(C2, rsn);
      fac = Math.sqrt((summ2 - 2 * m0 * m0 - 2 * m1 * m1) / (1 - 2 * a1 * a1 - 2 * a2 * a2));
      a[1] = a2;
      first = 2;
    } else {
      fac = Math.sqrt((summ2 - 2 * m0 * m0) / (1 - 2 * a1 * a1));
      first = 1;
    }
    a[0] = a1;
    for (let i = first; i < half; i++) a[i] = -(m[i] as number) / fac;
  }
  if (cachedCoefficients + half > MAX_CACHED_COEFFICIENTS) {
    cache.clear();
    cachedCoefficients = 0;
  }
  cache.set(n, a);
  cachedCoefficients += half;
  return a;
}

/**
 * Tests `sorted` (ascending; the caller sorts, so a detector can sort into a scratch
 * array) for normality. Returns W = 1 and p = 1 for a sample with zero range, which has
 * no shape to judge. Throws a RangeError outside 3 ≤ n ≤ 5000.
 */
export function shapiroWilkSorted(sorted: ArrayLike<number>, n = sorted.length): ShapiroWilkResult {
  if (!Number.isInteger(n) || n < SHAPIRO_WILK_MIN_N || n > SHAPIRO_WILK_MAX_N) {
    throw new RangeError(`Shapiro–Wilk needs 3 ≤ n ≤ 5000, got ${n}`);
  }
  const lo = sorted[0] as number;
  const range = (sorted[n - 1] as number) - lo;
  if (!(range > 0)) return { w: 1, pValue: 1, n };
  const a = shapiroWilkCoefficients(n);
  const half = a.length;
  // Squared correlation of the (centred, scaled) data with the antisymmetric coefficients.
  let sx = 0;
  for (let i = 0; i < n; i++) sx += ((sorted[i] as number) - lo) / range;
  const mean = sx / n;
  let ssx = 0;
  let sax = 0;
  for (let i = 0; i < n; i++) {
    const xs = ((sorted[i] as number) - lo) / range - mean;
    ssx += xs * xs;
    const j = n - 1 - i;
    if (i < half) sax -= (a[i] as number) * xs;
    else if (j < half) sax += (a[j] as number) * xs;
  }
  let ssa = 0;
  for (let i = 0; i < half; i++) ssa += 2 * (a[i] as number) * (a[i] as number);
  // 1 − W computed as in AS R94 to keep precision when W is very near 1.
  const root = Math.sqrt(ssa * ssx);
  const w1 = ((root - sax) * (root + sax)) / (ssa * ssx);
  const w = 1 - w1;
  return { w, pValue: shapiroWilkPValue(w, w1, n), n };
}

/** Convenience: copies, sorts and tests. */
export function shapiroWilk(sample: ArrayLike<number>): ShapiroWilkResult {
  const sorted = Float64Array.from(sample as ArrayLike<number>).sort();
  return shapiroWilkSorted(sorted);
}

function shapiroWilkPValue(w: number, w1: number, n: number): number {
  if (n === 3) {
    const p = (6 / Math.PI) * (Math.asin(Math.sqrt(w)) - Math.PI / 3);
    return Math.max(0, p);
  }
  let y = Math.log(w1);
  let m: number;
  let s: number;
  if (n <= 11) {
    const gamma = poly(G, n);
    if (y >= gamma) return 1e-99;
    y = -Math.log(gamma - y);
    m = poly(C3, n);
    s = Math.exp(poly(C4, n));
  } else {
    const xx = Math.log(n);
    m = poly(C5, xx);
    s = Math.exp(poly(C6, xx));
  }
  return normalTail((y - m) / s);
}
