/**
 * Tails of counts and sizes, pinned to reference values computed with mpmath 1.3.0 at
 * 50 digits (`gammainc(n, 0, λ, regularized=True)`, `betainc(n, r, 0, 1−p,
 * regularized=True)`, `gammainc(k, x/θ, inf, regularized=True)`, `loggamma(x)`).
 */
import { describe, expect, it } from 'vitest';
import {
  binomialSurprise,
  gammaSurprise,
  logGammaFn,
  negBinomialSurprise,
  poissonSurprise,
} from '../../../shared/stats/count-tails.ts';

const close = (got: number, want: number, rel = 1e-9) =>
  expect(Math.abs(got - want)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(want)));

describe('count tails', () => {
  it('ln Γ matches mpmath', () => {
    const ref: [number, number][] = [
      [0.1, 2.252712651734206],
      [0.5, 0.5723649429247001],
      [1, 0],
      [2.5, 0.2846828704729192],
      [10, 12.80182748008147],
      [100.5, 361.4355404677776],
      [1e5, 1051287.7089736569],
    ];
    for (const [x, want] of ref) close(logGammaFn(x), want, 1e-12);
  });

  it('Poisson upper tails as −log10 P(N ≥ n)', () => {
    const ref: [number, number, number][] = [
      [1, 0.5, 0.405089102854537],
      [3, 0.05, 4.69750686632997],
      [5, 0.15, 6.25291400811657],
      [10, 2.0, 4.33256502617854],
      [60, 0.1, 141.962891774087],
      [33, 10.0, 8.13240243207391],
      [2, 3.0, 0.0964478838049448],
      [200, 150.0, 4.24338757900307],
    ];
    for (const [n, lambda, want] of ref) close(poissonSurprise(n, lambda), want);
    expect(poissonSurprise(0, 3)).toBe(0);
  });

  it('negative binomial upper tails', () => {
    const ref: [number, number, number, number][] = [
      [5, 0.5, 0.857142857142857, 4.80678265215579],
      [3, 1.2, 0.9, 2.85818406997444],
      [30, 18.0, 0.75, 7.6619583479977],
      [1, 0.05, 0.5, 1.46770854951],
      [60, 0.3, 0.99, 121.718360715751],
      [4, 2.0, 0.3, 0.277185159120766],
    ];
    for (const [n, r, p, want] of ref) close(negBinomialSurprise(n, r, p), want);
  });

  it('gamma upper tails', () => {
    const ref: [number, number, number, number][] = [
      [18.0, 1.1, 1.0, 7.66781703859755],
      [400.0, 0.11, 9.0, 21.7121035293625],
      [3.0, 2.0, 1.0, 0.700823454381793],
      [0.5, 5.0, 0.2, 0.050035533999363],
      [44.0, 0.11, 1.0, 21.5152816753078],
    ];
    for (const [x, k, theta, want] of ref) close(gammaSurprise(x, k, theta), want);
  });

  it('the negative binomial tends to the Poisson as its rate becomes certain', () => {
    // Gamma(shape λβ, rate β) with β → ∞ concentrates on λ.
    const beta = 1e6;
    close(negBinomialSurprise(5, 0.15 * beta, beta / (beta + 1)), poissonSurprise(5, 0.15), 1e-4);
  });
});

// [case, reference] from SciPy 1.17.1: `special.gammaln(x)`, `stats.poisson.sf(k − 1, mu)`,
// `stats.binom.sf(k − 1, n, p)`; the tails are checked as probabilities, 10^−surprise.
const poissonTail = (k: number, mu: number) => 10 ** -poissonSurprise(k, mu);
const binomialTail = (k: number, n: number, p: number) => 10 ** -binomialSurprise(k, n, p);

describe('count tails against SciPy', () => {
  it('log Γ matches scipy.special.gammaln', () => {
    const cases: Array<[number, number]> = [
      [0.1, 2.252712651734206],
      [0.5, 0.5723649429247],
      [1, 0],
      [1.5, -0.12078223763524526],
      [7, 6.579251212010101],
      [33.3, 82.60372358165493],
      [1000.5, 5908.674175848678],
      [1e6, 12815504.569147611],
    ];
    for (const [x, v] of cases)
      expect(Math.abs(logGammaFn(x) - v)).toBeLessThan(1e-12 * Math.max(1, Math.abs(v)));
  });

  it('Poisson P(X ≥ k) matches scipy.stats.poisson.sf(k − 1, mu)', () => {
    const cases: Array<[number, number, number]> = [
      [1, 0.5, 0.3934693402873665],
      [5, 1.0, 0.003659846827343713],
      [10, 2.5, 0.0002773520946208362],
      [30, 10.0, 2.509951201527959e-7],
      [100, 60.0, 1.4815276326460494e-6],
      [200, 20.0, 4.663501789078248e-124],
      [3, 7.0, 0.9703638361194782],
      [1000, 900.0, 0.0005499022657117818],
    ];
    for (const [k, mu, sf] of cases) expect(poissonTail(k, mu) / sf).toBeCloseTo(1, 9);
    expect(poissonTail(0, 3)).toBe(1);
    expect(poissonSurprise(200, 20)).toBeCloseTo(-Math.log10(4.663501789078248e-124), 6);
    expect(poissonSurprise(5000, 1)).toBeGreaterThan(300); // far past 1e-300, still exact in log space
  });

  it('binomial P(X ≥ k) matches scipy.stats.binom.sf(k − 1, n, p)', () => {
    const cases: Array<[number, number, number, number]> = [
      [1, 10, 0.1, 0.6513215599000001],
      [5, 20, 0.05, 0.0025739403346522792],
      [13, 56, 0.022, 2.2049236366690566e-10],
      [16, 32, 0.02, 2.906924029393544e-19],
      [50, 100, 0.5, 0.5397946186935889],
      [3, 1000, 0.001, 0.080209342840201],
      [900, 1000, 0.8, 8.731206511212449e-18],
      [2, 5, 0.9, 0.99954],
    ];
    for (const [k, n, p, sf] of cases) expect(binomialTail(k, n, p) / sf).toBeCloseTo(1, 9);
    expect(binomialTail(11, 10, 0.5)).toBe(0);
    expect(binomialSurprise(16, 32, 0.02)).toBeCloseTo(-Math.log10(2.906924029393544e-19), 6);
  });
});
