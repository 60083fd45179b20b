/**
 * Binned drift tests: quantile edges pinned to NumPy 2.4 (`np.quantile`, its default
 * linear / type-7 rule), Benjamini–Hochberg pinned to statsmodels 0.14
 * (`multipletests(p, alpha=0.05, method='fdr_bh')`), and the PSI chance level checked
 * by simulation.
 */
import { describe, expect, it } from 'vitest';
import {
  benjaminiHochberg,
  binIndex,
  compareBinned,
  compareCategories,
  mergeBins,
  psiNull,
  quantileEdges,
} from '../../../shared/stats/binned-drift.ts';
import { gaussians } from './helpers.ts';

const SAMPLE = [3.1, 0.2, 5.5, 2.2, 2.2, 9.0, 4.4, 1.1, 7.7, 6.6, 0.5, 8.8];

describe('binned drift', () => {
  it('cuts edges at the sample quantiles (np.quantile), collapsing repeated values', () => {
    expect(quantileEdges(SAMPLE, 4)).toEqual(
      [1.9250000000000003, 3.75, 6.875].map((x) => expect.closeTo(x, 12)),
    );
    const twenty = [
      0.365, 0.56, 0.89, 1.32, 1.925, 2.2, 2.2, 2.56, 3.055, 3.75, 4.455, 5.06, 5.665, 6.27, 6.875, 7.48,
      8.085, 8.69, 8.89,
    ];
    // NumPy gives 2.2 twice (the sample holds it twice); edges must increase, so one goes.
    const dedup = twenty.filter((x, i) => i === 0 || x !== twenty[i - 1]);
    expect(quantileEdges(SAMPLE, 20)).toEqual(dedup.map((x) => expect.closeTo(x, 12)));
    expect(binIndex([1, 2, 3], 0.5)).toBe(0);
    expect(binIndex([1, 2, 3], 1)).toBe(1);
    expect(binIndex([1, 2, 3], 3)).toBe(3);
    expect(mergeBins([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5)).toEqual([3, 7, 11, 15, 19]);
  });

  it('controls the false discovery rate like statsmodels fdr_bh', () => {
    expect(benjaminiHochberg([0.01, 0.04, 0.03, 0.005, 0.2, 0.5], 0.05)).toEqual([
      true,
      false,
      false,
      true,
      false,
      false,
    ]);
    expect(
      benjaminiHochberg([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216], 0.05),
    ).toEqual([true, true, false, false, false, false, false, false, false, false]);
    expect(benjaminiHochberg([], 0.05)).toEqual([]);
  });

  it('has a PSI near its chance level (B − 1)(1/n + 1/m) without drift, and far above it with', () => {
    const ref = gaussians(2000, 1);
    const edges = quantileEdges(ref.slice(0, 200), 20);
    const count = (xs: number[]): number[] => {
      const c = new Array<number>(edges.length + 1).fill(0);
      for (const x of xs) c[binIndex(edges, x)]!++;
      return c;
    };
    const r = count(ref);
    let sum = 0;
    for (let s = 0; s < 40; s++) sum += compareBinned(r, count(gaussians(400, 100 + s))).psi;
    const chance = psiNull(10, 400, 2000);
    expect(sum / 40).toBeGreaterThan(0.5 * chance);
    expect(sum / 40).toBeLessThan(1.6 * chance);
    const shifted = compareBinned(r, count(gaussians(400, 7, 1)));
    expect(shifted.psi).toBeGreaterThan(0.25);
    expect(shifted.ks.pValue).toBeLessThan(1e-6);
    expect(shifted.psiNull).toBeCloseTo(chance, 12);
    // The reference counts as at most 1000 observations in the p-value: a bigger one is no surer.
    const big = r.map((c) => c * 50);
    expect(compareBinned(big, count(gaussians(400, 7, 0.2))).ks.pValue).toBeCloseTo(
      compareBinned(
        r.map((c) => c / 2),
        count(gaussians(400, 7, 0.2)),
      ).ks.pValue,
      12,
    );
  });

  it('compares category counts by chi-squared and PSI', () => {
    const same = compareCategories([800, 200], [400, 100]);
    expect(same.psi).toBeCloseTo(0, 12);
    expect(same.chi.pValue).toBeGreaterThan(0.5);
    const moved = compareCategories([800, 200], [300, 200]);
    expect(moved.psi).toBeGreaterThan(0.1);
    expect(moved.chi.pValue).toBeLessThan(1e-6);
  });
});
