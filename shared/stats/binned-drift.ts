/**
 * Building blocks of distribution-drift tests on binned data (reference vs current),
 * for streams where a reference is learned once and then compared, window after window:
 * - `quantileEdges`: bin edges at the empirical quantiles of a small sample of the
 *   reference (equal-probability bins; repeated values collapse into fewer bins);
 * - `compareBinned`: PSI over `psiBins` merged equal-probability bins (deciles by
 *   default: the usual PSI practice, and its null expectation (B − 1)(1/n + 1/m) stays
 *   well under 0.1 for windows of a few hundred), and the two-sample Kolmogorov–Smirnov
 *   test over the fine bins, with the reference counted as at most `referenceCap`
 *   observations in the p-value (a reference of a day's traffic would otherwise make
 *   every shift "significant"), and the PSI a window would show by chance alone;
 * - `benjaminiHochberg`: the step-up procedure controlling the false discovery rate
 *   across many columns tested at once (Benjamini & Hochberg 1995).
 */
import { chiSquaredBinned, ksBinned, psi, type TestResult } from './distribution-distance.ts';

/** Edges at the k/bins quantiles (k = 1 … bins − 1) of `sample`, strictly increasing. */
export function quantileEdges(sample: readonly number[], bins = 20): number[] {
  const sorted = Float64Array.from(sample).sort();
  const n = sorted.length;
  const edges: number[] = [];
  if (n === 0) return edges;
  for (let k = 1; k < bins; k++) {
    // Type-7 quantile (linear interpolation), as R's default and NumPy's.
    const h = ((n - 1) * k) / bins;
    const lo = Math.floor(h);
    const v =
      (sorted[lo] as number) +
      (h - lo) * ((sorted[Math.min(n - 1, lo + 1)] as number) - (sorted[lo] as number));
    if (edges.length === 0 || v > (edges[edges.length - 1] as number)) edges.push(v);
  }
  return edges;
}

/** Index of the bin of `x` among edges.length + 1 bins (left-closed, as Histogram). */
export function binIndex(edges: readonly number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((edges[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface BinnedComparison {
  psi: number;
  /**
   * PSI expected with no drift at all, from sampling alone: (B − 1)(1/n + 1/m) for B bins
   * (Yurdakul 2018: n·m/(n + m)·PSI is asymptotically χ² with B − 1 degrees of freedom).
   * Small windows have a PSI of a few hundredths by chance; judge `psi − psiNull`.
   */
  psiNull: number;
  ks: TestResult;
  /** Observations in each sample (the reference as counted, before any cap). */
  referenceN: number;
  currentN: number;
}

/** Sums adjacent bins into `groups` (or fewer) groups of nearly equal size. */
export function mergeBins(counts: ArrayLike<number>, groups: number): number[] {
  const out = new Array<number>(Math.min(groups, counts.length)).fill(0);
  for (let i = 0; i < counts.length; i++) {
    const g = Math.min(out.length - 1, Math.floor((i * out.length) / counts.length));
    out[g] = (out[g] as number) + (counts[i] as number);
  }
  return out;
}

export function compareBinned(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
  psiBins = 10,
  referenceCap = 1000,
): BinnedComparison {
  const referenceN = total(reference);
  const currentN = total(current);
  const ref = mergeBins(reference, psiBins);
  const p = psi(ref, mergeBins(current, psiBins));
  const scale = referenceN > referenceCap ? referenceCap / referenceN : 1;
  const capped = Array.from(reference as ArrayLike<number>, (c) => c * scale);
  const bins = ref.filter((c) => c > 0).length;
  return {
    psi: p,
    psiNull: psiNull(bins, currentN, referenceN),
    ks: ksBinned(capped, current),
    referenceN,
    currentN,
  };
}

/** Chi-squared homogeneity test of category counts, the reference capped like `compareBinned`. */
export function compareCategories(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
  referenceCap = 1000,
): { psi: number; psiNull: number; chi: TestResult & { dof: number } } {
  const referenceN = total(reference);
  const scale = referenceN > referenceCap ? referenceCap / referenceN : 1;
  const capped = Array.from(reference as ArrayLike<number>, (c) => c * scale);
  const bins = Array.from(reference as ArrayLike<number>).filter(
    (c, i) => c + ((current[i] as number) ?? 0) > 0,
  ).length;
  return {
    psi: psi(reference, current),
    psiNull: psiNull(bins, total(current), referenceN),
    chi: chiSquaredBinned(capped, current),
  };
}

/** Expected PSI of two samples of sizes n and m from one distribution over `bins` bins. */
export function psiNull(bins: number, n: number, m: number): number {
  if (!(n > 0) || !(m > 0) || bins < 2) return 0;
  return (bins - 1) * (1 / n + 1 / m);
}

/**
 * Which of `pValues` are discoveries at false discovery rate `q` (Benjamini–Hochberg):
 * with p₍₁₎ ≤ … ≤ p₍ₘ₎, reject every hypothesis up to the largest k with p₍ₖ₎ ≤ k·q/m.
 */
export function benjaminiHochberg(pValues: readonly number[], q: number): boolean[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  let cut = -1;
  for (let k = 0; k < m; k++) if ((order[k]?.[0] as number) <= ((k + 1) * q) / m) cut = k;
  const out = new Array<boolean>(m).fill(false);
  for (let k = 0; k <= cut; k++) out[order[k]?.[1] as number] = true;
  return out;
}

function total(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] as number;
  return s;
}
