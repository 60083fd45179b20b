/**
 * Upper tails of count and size distributions, in log space so far tails stay
 * meaningful (a burst of 60 denials has P ≈ 1e-80; 1 − cdf would round it to 0):
 *
 * - `logGammaFn`: ln Γ(x) by the Lanczos approximation (g = 7, 9 terms; Press et al.,
 *   Numerical Recipes 3rd ed. §6.1), relative error < 1e-14 for x > 0.
 * - `logGammaP` / `logGammaQ`: ln of the regularised incomplete gamma functions, by the
 *   series (x < a + 1) or the Lentz continued fraction (x ≥ a + 1) (NR §6.2).
 * - `logBetaI`: ln of the regularised incomplete beta function I_x(a, b) (NR §6.4).
 * - Tails as surprises (−log10 P): Poisson P(N ≥ n | λ) = P(n, λ); binomial
 *   P(X ≥ k | n, p) = I_p(k, n − k + 1); negative binomial (the gamma–Poisson predictive
 *   of a rate learned from counts) P(N ≥ n) = I_{1−p}(n, r); gamma P(X ≥ x | shape k,
 *   scale θ) = Q(k, x/θ).
 * Pure functions, no state; each costs O(10–100) floating-point operations (up to
 * O(√n) iterations for counts n in the thousands).
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const LN_SQRT_2PI = 0.9189385332046728;
const LN10 = Math.LN10;
const EPS = 1e-15;
const TINY = 1e-300;
const MAX_ITER = 10_000;

/** ln Γ(x) for x > 0. */
export function logGammaFn(x: number): number {
  if (!(x > 0)) return Number.NaN;
  if (x < 0.5) {
    // Reflection: Γ(x) Γ(1 − x) = π / sin(πx).
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGammaFn(1 - x);
  }
  const z = x - 1;
  let s = LANCZOS[0] as number;
  for (let i = 1; i < 9; i++) s += (LANCZOS[i] as number) / (z + i);
  const t = z + 7.5;
  return LN_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

/** ln of the series Σ for P(a, x): ln P = −x + a ln x − ln Γ(a) + ln Σ. */
function logGammaSeries(a: number, x: number): number {
  let ap = a;
  let del = 1 / a;
  let sum = del;
  for (let i = 0; i < MAX_ITER; i++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * EPS) break;
  }
  return -x + a * Math.log(x) - logGammaFn(a) + Math.log(sum);
}

/** ln Q(a, x) by the continued fraction (valid for x ≥ a + 1). */
function logGammaFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return -x + a * Math.log(x) - logGammaFn(a) + Math.log(h);
}

/** ln of the regularised lower incomplete gamma P(a, x) = γ(a, x) / Γ(a). */
export function logGammaP(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return Number.NaN;
  if (x === 0) return Number.NEGATIVE_INFINITY;
  if (x < a + 1) return logGammaSeries(a, x);
  return Math.log1p(-Math.exp(logGammaFraction(a, x)));
}

/** ln of the regularised upper incomplete gamma Q(a, x) = 1 − P(a, x). */
export function logGammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return Number.NaN;
  if (x === 0) return 0;
  if (x < a + 1) return Math.log1p(-Math.exp(logGammaSeries(a, x)));
  return logGammaFraction(a, x);
}

/** Continued fraction of the incomplete beta function (NR `betacf`). */
function betaFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < MAX_ITER; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/** ln of the regularised incomplete beta function I_x(a, b), a, b > 0, 0 ≤ x ≤ 1. */
export function logBetaI(x: number, a: number, b: number): number {
  if (!(a > 0) || !(b > 0) || !(x >= 0 && x <= 1)) return Number.NaN;
  if (x === 0) return Number.NEGATIVE_INFINITY;
  if (x === 1) return 0;
  const lnFront = logGammaFn(a + b) - logGammaFn(a) - logGammaFn(b) + a * Math.log(x) + b * Math.log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return lnFront + Math.log(betaFraction(a, b, x)) - Math.log(a);
  // Symmetry I_x(a, b) = 1 − I_{1−x}(b, a), which converges fast on this side.
  const other = Math.exp(lnFront + Math.log(betaFraction(b, a, 1 - x)) - Math.log(b));
  return Math.log1p(-Math.min(1, other));
}

const toSurprise = (lnP: number): number => (Number.isNaN(lnP) ? 0 : Math.max(0, -lnP / LN10));

/** −log10 P(N ≥ n) for N ~ Poisson(λ); 0 for n ≤ 0. */
export function poissonSurprise(n: number, lambda: number): number {
  if (n <= 0) return 0;
  if (!(lambda > 0)) return Number.POSITIVE_INFINITY;
  return toSurprise(logGammaP(n, lambda));
}

/** −log10 P(X ≥ k) for X ~ Binomial(n, p); 0 for k ≤ 0, Infinity for k > n. */
export function binomialSurprise(k: number, n: number, p: number): number {
  if (k <= 0) return 0;
  if (k > n || !(p > 0)) return Number.POSITIVE_INFINITY;
  if (p >= 1) return 0;
  return toSurprise(logBetaI(p, k, n - k + 1));
}

/**
 * −log10 P(N ≥ n) for N negative binomial with `r` > 0 and success probability `p`
 * (pmf Γ(k+r)/(Γ(r) k!) p^r (1−p)^k, mean r(1−p)/p). This is the predictive count of a
 * Poisson whose rate has a Gamma(shape r, rate β) posterior, with p = β / (β + 1).
 */
export function negBinomialSurprise(n: number, r: number, p: number): number {
  if (n <= 0) return 0;
  if (!(r > 0) || !(p < 1)) return Number.POSITIVE_INFINITY;
  if (!(p > 0)) return 0;
  return toSurprise(logBetaI(1 - p, n, r));
}

/** −log10 P(X ≥ x) for X ~ Gamma(shape k, scale θ). */
export function gammaSurprise(x: number, shape: number, scale: number): number {
  if (!(x > 0)) return 0;
  if (!(shape > 0) || !(scale > 0)) return Number.POSITIVE_INFINITY;
  return toSurprise(logGammaQ(shape, x / scale));
}
