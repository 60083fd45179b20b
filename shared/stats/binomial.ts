/**
 * Binomial upper tail P(X ≥ k) for X ~ Binomial(n, p): how surprising k successes in n
 * trials are when each succeeds with probability p (e.g. k denied badge presentations out
 * of n at one door, against the door's learned denial rate). Summed term by term from
 * the mode-free recurrence t(j+1) = t(j)·(n−j)/(j+1)·p/(1−p), in log space for the first
 * term, so small tails (1e-12 and below) keep their relative precision. O(n − k).
 */

export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n || p <= 0) return 0;
  if (p >= 1) return 1;
  let logTerm = logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p);
  let sum = 0;
  const ratio = p / (1 - p);
  for (let j = k; j <= n; j++) {
    sum += Math.exp(logTerm);
    logTerm += Math.log(((n - j) / (j + 1)) * ratio);
  }
  return Math.min(1, sum);
}

/** log C(n, k), exact summation (n is small where this is used: a window of events). */
function logChoose(n: number, k: number): number {
  const m = Math.min(k, n - k);
  let s = 0;
  for (let i = 1; i <= m; i++) s += Math.log((n - m + i) / i);
  return s;
}
