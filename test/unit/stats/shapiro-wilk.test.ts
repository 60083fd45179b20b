/**
 * Shapiro–Wilk (Royston's AS R94) and the normal quantile (AS 241), pinned to SciPy
 * 1.17.1 (W to 1e-8; p to ~1e-6 relative, the accuracy of our normal tail):
 * `scipy.stats.shapiro` and `norm.ppf` on the fixed samples below (the script that
 * produced them is quoted in each case; the generated samples are rebuilt here by the
 * same formulas). The count tails' SciPy cases are in count-tails.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { normalQuantile } from '../../../shared/stats/normal-quantile.ts';
import { shapiroWilk } from '../../../shared/stats/shapiro-wilk.ts';
import { rng } from './helpers.ts';

const PHI = 0.6180339887498949;
/** `stats.norm.ppf(((i + 0.5) * phi) % 1)` for i < n: a nearly perfectly normal sample. */
const lattice = (n: number): number[] =>
  Array.from({ length: n }, (_, i) => normalQuantile(((i + 0.5) * PHI) % 1));

// [sample, W, p] from scipy.stats.shapiro (SciPy 1.17.1).
const FIXED: Array<[string, number[], number, number]> = [
  ['n = 3', [1, 2, 4], 0.9642857142857142, 0.6368868450289689],
  ['n = 5', [2.1, 3.4, 1.9, 5.6, 2.2], 0.8032970061274809, 0.08618284052841964],
  ['n = 7', [148, 154, 158, 160, 161, 162, 166], 0.9521778967521586, 0.7494749740609106],
  [
    'n = 11',
    [0.139, 0.157, 0.175, 0.256, 0.344, 0.413, 0.503, 0.577, 0.614, 0.655, 0.954],
    0.9337855591660781,
    0.45040427005663664,
  ],
  [
    'n = 20',
    [6.0, 5.1, 4.8, 7.2, 5.5, 6.6, 5.9, 4.4, 6.1, 5.7, 6.3, 5.0, 5.8, 6.9, 5.2, 6.0, 5.4, 6.2, 4.9, 8.8],
    0.9209493473378442,
    0.10334434562760336,
  ],
];

// [n, kind, W, p]: lattice = the sample above, lognormal = exp(lattice / 2), uniform = the
// first n draws of mulberry32 seed 7 (test/unit/stats/helpers.ts `rng`, ported to Python).
const GENERATED: Array<[number, 'lattice' | 'lognormal' | 'uniform', number, number]> = [
  [12, 'lattice', 0.9893001458929349, 0.9996024695348227],
  [12, 'lognormal', 0.9433094670198582, 0.5420964400016554],
  [12, 'uniform', 0.9703913966806742, 0.9148614186599273],
  [100, 'lattice', 0.9982988968497853, 0.999993329991259],
  [100, 'lognormal', 0.8885754521968547, 4.262713447048859e-7],
  [100, 'uniform', 0.950065711434382, 0.0008378889476592032],
  [1000, 'lattice', 0.9998603628864756, 0.9999999991106671],
  [1000, 'lognormal', 0.8761910791712783, 1.8831544305198432e-27],
  [1000, 'uniform', 0.9565548936726123, 1.2188179994945903e-16],
  [5000, 'lattice', 0.99998698568455, 1.0],
  [5000, 'lognormal', 0.8813900296872446, 3.991421218239182e-52],
  [5000, 'uniform', 0.9575483699110088, 6.939042639283803e-36],
];

function generated(n: number, kind: 'lattice' | 'lognormal' | 'uniform'): number[] {
  if (kind === 'uniform') {
    const u = rng(7);
    return Array.from({ length: n }, () => u());
  }
  const x = lattice(n);
  return kind === 'lattice' ? x : x.map((v) => Math.exp(v / 2));
}

describe('normalQuantile (AS 241)', () => {
  it('matches scipy.stats.norm.ppf to 1e-14 relative, into the far tails', () => {
    const ppf: Array<[number, number]> = [
      [1e-300, -37.0470962993612],
      [1e-20, -9.262340089798409],
      [1e-10, -6.361340902404056],
      [0.001, -3.090232306167813],
      [0.02425, -1.972961051311885],
      [0.1, -1.2815515655446004],
      [0.3, -0.5244005127080409],
      [0.5, 0],
      [0.7, 0.5244005127080407],
      [0.975, 1.959963984540054],
      [0.999999, 4.753424308817087],
      [1 - 1e-12, 7.0344869100478356],
    ];
    for (const [p, z] of ppf)
      expect(Math.abs(normalQuantile(p) - z)).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(z)));
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(1.5)).toBeNaN();
  });
});

describe('shapiroWilk (Royston 1992/1995)', () => {
  it.each(FIXED)('matches scipy.stats.shapiro on %s', (_, sample, w, p) => {
    const r = shapiroWilk(sample);
    expect(r.w).toBeCloseTo(w, 8);
    // Our normal tail (Numerical Recipes erfc) is good to ~1e-7 relative.
    expect(r.pValue / p).toBeCloseTo(1, 6);
  });

  it.each(GENERATED)('matches scipy.stats.shapiro on n = %i (%s)', (n, kind, w, p) => {
    const r = shapiroWilk(generated(n, kind));
    expect(r.n).toBe(n);
    expect(r.w).toBeCloseTo(w, 8);
    expect(r.pValue / p).toBeCloseTo(1, 5);
  });

  it('needs 3 ≤ n ≤ 5000 and treats a constant sample as having no shape to judge', () => {
    expect(() => shapiroWilk([1, 2])).toThrow(RangeError);
    expect(() => shapiroWilk(new Float64Array(5001).map((_, i) => i))).toThrow(RangeError);
    expect(shapiroWilk([2, 2, 2, 2])).toEqual({ w: 1, pValue: 1, n: 4 });
  });
});
