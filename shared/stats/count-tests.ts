/**
 * Exact upper-tail tests for counts, for rate detectors that ask "is k events this
 * surprising given the baseline?": the Poisson tail P(X ≥ k | μ) and the binomial tail
 * P(X ≥ k | n, p), through the regularised incomplete gamma and beta functions
 * (Numerical Recipes, Press et al., 3rd ed., §6.2 `gammp`/`gcf`/`gser` and §6.4
 * `betai`/`betacf`; log Γ by Lanczos, g = 7, n = 9). Relative error ~1e-12 for the
 * arguments a detector meets; tails far below 1e-300 underflow to 0.
 * `log10` variants keep the far tail meaningful as a surprise in decades.
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let s = LANCZOS[0] as number;
  for (let i = 1; i < 9; i++) s += (LANCZOS[i] as number) / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

const EPS = 1e-15;
const TINY = 1e-300;

/** Regularised lower incomplete gamma P(a, x) and upper Q(a, x) = 1 − P, as [P, Q]. */
function gammaPQ(a: number, x: number): [number, number] {
  if (x <= 0) return [0, 1];
  const lnPre = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    // Series for P.
    let ap = a;
    let del = 1 / a;
    let sum = del;
    for (let n = 0; n < 10_000; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * EPS) break;
    }
    const p = sum * Math.exp(lnPre);
    return [p, 1 - p];
  }
  // Continued fraction for Q (modified Lentz).
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
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
  const q = Math.exp(lnPre) * h;
  return [1 - q, q];
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaCf(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < 10_000; m++) {
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

/** Regularised incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaCf(a, b, x)) / a;
  return 1 - (Math.exp(lnFront) * betaCf(b, a, 1 - x)) / b;
}

/** P(X ≥ k) for X ~ Poisson(mu): the regularised lower incomplete gamma P(k, mu). */
export function poissonUpperTail(k: number, mu: number): number {
  if (k <= 0) return 1;
  if (!(mu > 0)) return 0;
  return gammaPQ(k, mu)[0];
}

/** P(X ≥ k) for X ~ Binomial(n, p): I_p(k, n − k + 1). */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (!(p > 0)) return 0;
  if (p >= 1) return 1;
  return incompleteBeta(p, k, n - k + 1);
}

/**
 * −log10 of a tail probability, with a floor far out so an underflowed tail still ranks
 * by how far the count is past its expectation (a Chernoff bound stands in below 1e-300).
 */
export function surpriseOf(tail: number, chernoffLog10: number): number {
  if (tail > 1e-300) return -Math.log10(Math.min(1, tail));
  return Math.max(300, chernoffLog10);
}

/** −log10 P(X ≥ k), X ~ Poisson(mu), never Infinity. */
export function poissonSurprise(k: number, mu: number): number {
  if (k <= mu) return 0;
  // Chernoff: P(X ≥ k) ≤ exp(−mu) (e·mu/k)^k.
  const chernoff = (mu - k + k * Math.log(k / mu)) / Math.LN10;
  return surpriseOf(poissonUpperTail(k, mu), chernoff);
}

/** −log10 P(X ≥ k), X ~ Binomial(n, p), never Infinity. */
export function binomialSurprise(k: number, n: number, p: number): number {
  if (k <= n * p) return 0;
  const q = k / n;
  // Chernoff: P(X ≥ k) ≤ exp(−n·KL(q‖p)).
  const kl = q * Math.log(q / p) + (q < 1 ? (1 - q) * Math.log((1 - q) / (1 - p)) : 0);
  return surpriseOf(binomialUpperTail(k, n, p), (n * kl) / Math.LN10);
}
