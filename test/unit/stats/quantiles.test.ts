import * as ss from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { P2Quantile } from '../../../shared/stats/p2-quantile.ts';
import { RollingMedian } from '../../../shared/stats/rolling-median.ts';
import { gaussians, rng } from './helpers.ts';

describe('P2Quantile (Jain & Chlamtac 1985)', () => {
  it('is exact for fewer than five samples', () => {
    const q = new P2Quantile(0.5);
    [5, 1, 3].forEach((x) => q.push(x));
    expect(q.value).toBe(ss.quantileSorted([1, 3, 5], 0.5));
  });
  it.each([0.5, 0.9, 0.99])('tracks the %s quantile of 20,000 Gaussians within 2 %% of the range', (p) => {
    const xs = gaussians(20_000, 3, 10, 2);
    const q = new P2Quantile(p);
    xs.forEach((x) => q.push(x));
    expect(Math.abs(q.value - ss.quantile(xs, p))).toBeLessThan(0.02 * (ss.max(xs) - ss.min(xs)));
  });
  it('tracks a skewed (exponential) distribution', () => {
    const u = rng(4);
    const xs = Array.from({ length: 20_000 }, () => -Math.log(1 - u()));
    const q = new P2Quantile(0.9);
    xs.forEach((x) => q.push(x));
    expect(q.value).toBeCloseTo(ss.quantile(xs, 0.9), 1);
  });
});

describe('RollingMedian', () => {
  it('matches simple-statistics median, MAD and quantiles of the window at every step', () => {
    const u = rng(5);
    for (const w of [1, 2, 7, 32]) {
      const r = new RollingMedian(w);
      const all: number[] = [];
      for (let i = 0; i < 300; i++) {
        // Rounded values force ties, the hard case for the sorted window.
        const x = Math.round(u() * 20);
        r.push(x);
        all.push(x);
        const win = all.slice(-w);
        expect(r.median).toBe(ss.median(win));
        expect(r.mad).toBe(ss.medianAbsoluteDeviation(win));
        expect(r.quantile(0.9)).toBe(
          ss.quantileSorted(
            [...win].sort((a, b) => a - b),
            0.9,
          ),
        );
      }
    }
  });
  it('is NaN when empty', () => {
    expect(Number.isNaN(new RollingMedian(3).median)).toBe(true);
    expect(Number.isNaN(new RollingMedian(3).mad)).toBe(true);
  });
});
