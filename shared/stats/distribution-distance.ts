/**
 * Comparisons of two binned distributions (reference vs current), e.g. two Histograms
 * with the same edges. Inputs are bin counts; each function normalises as it needs.
 * - PSI, the population stability index (Yurdakul 2018, "Statistical properties of
 *   the population stability index"): Σ (a − e) ln(a / e) over bin shares; < 0.1 stable,
 *   0.1–0.25 moderate, > 0.25 a significant shift by the industry rule of thumb.
 * - Two-sample Kolmogorov–Smirnov on binned data: D = max |F₁ − F₂| over bin edges, with
 *   the asymptotic Kolmogorov p-value (Numerical Recipes §14.3, `probks`). Binning makes
 *   D a lower bound of the unbinned statistic.
 * - Chi-squared test of homogeneity for two binned samples of unequal size (Numerical
 *   Recipes §14.3, `chstwo`), p-value by the Wilson–Hilferty (1931) cube-root normal
 *   approximation of the chi-squared tail.
 */
import { normalTail } from './normal.ts';

/** Population stability index; empty bins get `epsilon` share so the log stays finite. */
export function psi(expected: ArrayLike<number>, actual: ArrayLike<number>, epsilon = 1e-4): number {
  const te = sum(expected);
  const ta = sum(actual);
  if (te <= 0 || ta <= 0) return Number.NaN;
  let s = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max((expected[i] as number) / te, epsilon);
    const a = Math.max((actual[i] ?? 0) / ta, epsilon);
    s += (a - e) * Math.log(a / e);
  }
  return s;
}

export interface TestResult {
  statistic: number;
  pValue: number;
}

/** Kolmogorov's limiting distribution Q_KS(λ) = 2 Σ (−1)^{k−1} e^{−2k²λ²}. */
export function kolmogorovQ(lambda: number): number {
  if (lambda < 1e-3) return 1;
  let sumQ = 0;
  let sign = 1;
  for (let k = 1; k <= 100; k++) {
    const term = sign * Math.exp(-2 * k * k * lambda * lambda);
    sumQ += term;
    if (Math.abs(term) < 1e-12 * Math.abs(sumQ)) return Math.min(1, Math.max(0, 2 * sumQ));
    sign = -sign;
  }
  return 1; // no convergence happens only for tiny λ, where Q → 1
}

/** Two-sample KS on binned counts; p-value by Stephens' correction of λ (NR eq. 14.3.10). */
export function ksBinned(a: ArrayLike<number>, b: ArrayLike<number>): TestResult {
  const na = sum(a);
  const nb = sum(b);
  if (na <= 0 || nb <= 0) return { statistic: 0, pValue: 1 };
  let ca = 0;
  let cb = 0;
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    ca += (a[i] as number) / na;
    cb += (b[i] ?? 0) / nb;
    d = Math.max(d, Math.abs(ca - cb));
  }
  const en = Math.sqrt((na * nb) / (na + nb));
  return { statistic: d, pValue: kolmogorovQ((en + 0.12 + 0.11 / en) * d) };
}

/** Chi-squared homogeneity test of two binned samples; bins empty in both are skipped. */
export function chiSquaredBinned(a: ArrayLike<number>, b: ArrayLike<number>): TestResult & { dof: number } {
  const na = sum(a);
  const nb = sum(b);
  if (na <= 0 || nb <= 0) return { statistic: 0, pValue: 1, dof: 0 };
  const ra = Math.sqrt(nb / na);
  const rb = Math.sqrt(na / nb);
  let chi = 0;
  let bins = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] ?? 0;
    if (x + y === 0) continue;
    bins++;
    const t = ra * x - rb * y;
    chi += (t * t) / (x + y);
  }
  const dof = bins - 1;
  return { statistic: chi, pValue: chiSquaredTail(chi, dof), dof };
}

/** P(χ²_k > x) by Wilson–Hilferty: (x/k)^{1/3} is near-normal with mean 1 − 2/(9k). */
export function chiSquaredTail(x: number, k: number): number {
  if (k <= 0) return 1;
  if (x <= 0) return 1;
  const v = 2 / (9 * k);
  return normalTail((Math.cbrt(x / k) - (1 - v)) / Math.sqrt(v));
}

function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] as number;
  return s;
}
