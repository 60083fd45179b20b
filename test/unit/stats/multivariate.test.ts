import { describe, expect, it } from 'vitest';
import { fisherSurprise, MultivariateCombiner } from '../../../shared/stats/multivariate-combiner.ts';
import { MultivariateDetector } from '../../../shared/stats/multivariate-detector.ts';
import { gaussians, rng, viaJson } from './helpers.ts';

const STEP = 5 * 60_000;
const DAY = 288;

describe("Fisher's combination", () => {
  it('is the χ² tail with 2k degrees of freedom', () => {
    expect(fisherSurprise(3, 1)).toBeCloseTo(3, 12);
    // k = 2: P = e^(−h)(1 + h), h = ln 10 · Σ surprises.
    const h = 5 * Math.LN10;
    expect(fisherSurprise(5, 2)).toBeCloseTo(-Math.log10(Math.exp(-h) * (1 + h)), 10);
    expect(fisherSurprise(5, 2)).toBeCloseTo(3.9, 1); // two metrics at 2.5 each
    expect(fisherSurprise(0, 4)).toBe(0);
  });
});

describe('MultivariateCombiner', () => {
  const quiet = (c: MultivariateCombiner, k: number, n: number, seed: number): void => {
    const u = rng(seed);
    for (let i = 0; i < n; i++) c.update(Array.from({ length: k }, () => -Math.log10(u())));
  };

  it('keeps most of a single metric’s surprise among many quiet ones, and adds up several', () => {
    const c = new MultivariateCombiner();
    quiet(c, 7, 3000, 1);
    const one = c.update([10, 0, 0, 0, 0, 0, 0]);
    expect(one.rule).toBe('max');
    expect(one.column).toBe(0);
    expect(one.surprise).toBeGreaterThan(8.5);
    const d = new MultivariateCombiner();
    quiet(d, 2, 3000, 2);
    const two = d.update([2.5, 2.5]);
    expect(two.surprise).toBeGreaterThan(2.5);
  });

  it('leaves missing metrics out, scores a row without any as 0, and restores exactly', () => {
    const c = new MultivariateCombiner();
    quiet(c, 3, 500, 3);
    expect(c.update([Number.NaN, Number.NaN, Number.NaN])).toMatchObject({ score: 0, column: -1 });
    expect(c.update([Number.NaN, 6, Number.NaN]).surprise).toBe(6);
    const r = MultivariateCombiner.restore(viaJson(c.snapshot()));
    for (const row of [
      [1, 2, 3],
      [0, 9, 0],
      [4, 4, Number.NaN],
    ]) {
      expect({ ...r.update(row) }).toEqual({ ...c.update(row) });
    }
  });
});

/**
 * A cooling unit every 5 minutes: supply temperature and fan speed with a daily cycle and
 * noise; after 15 days the supply temperature creeps up while the fan slows.
 */
function coolingUnit(seed: number): { rows: number[][]; onset: number } {
  const n = 20 * DAY;
  const onset = 15 * DAY + 100;
  const noiseT = gaussians(n, 100 + seed, 0, 0.15);
  const noiseF = gaussians(n, 200 + seed, 0, 15);
  const rows = Array.from({ length: n }, (_, i) => {
    const day = Math.sin((2 * Math.PI * i) / DAY);
    const k = Math.max(0, i - onset);
    return [
      18 + 0.5 * day + (noiseT[i] as number) + 0.004 * k,
      1200 + 30 * day + (noiseF[i] as number) - 0.25 * k,
    ];
  });
  return { rows, onset };
}

describe('MultivariateDetector', () => {
  it('finds a cooling unit whose supply temperature creeps up while its fan slows earlier than either metric', () => {
    for (const seed of [1, 2, 3]) {
      const { rows, onset } = coolingUnit(seed);
      const m = new MultivariateDetector(['supply_c', 'fan_rpm']);
      const first = [-1, -1, -1];
      let falseAlarms = 0;
      rows.forEach((row, i) => {
        const r = m.update(i * STEP, row);
        const scores = [r.combined.score, r.columns[0]?.score ?? 0, r.columns[1]?.score ?? 0];
        if (i < onset) falseAlarms += r.combined.alert ? 1 : 0;
        else
          scores.forEach(
            (s, j) => (first[j] = first[j] === -1 && s >= 0.5 ? i - onset : (first[j] as number)),
          );
      });
      const [combined, supply, fan] = first as [number, number, number];
      expect(combined).toBeGreaterThanOrEqual(0);
      expect(combined).toBeLessThan(Math.min(supply, fan));
      expect(falseAlarms).toBeLessThanOrEqual(2); // in 15 days of normal running
    }
  });

  it('snapshot → JSON → restore mid-stream equals an uninterrupted run', () => {
    const { rows } = coolingUnit(4);
    const whole = new MultivariateDetector(['supply_c', 'fan_rpm']);
    const expected = rows.map((row, i) => whole.update(i * STEP, row).combined.score);
    let half = new MultivariateDetector(['supply_c', 'fan_rpm']);
    const got = rows.map((row, i) => {
      if (i === 3000) half = MultivariateDetector.restore(viaJson(half.snapshot()));
      return half.update(i * STEP, row).combined.score;
    });
    expect(got).toEqual(expected);
  });
});
