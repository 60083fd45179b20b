import { describe, expect, it } from 'vitest';
import { Cusum } from '../../../shared/stats/cusum.ts';
import { PageHinkley } from '../../../shared/stats/page-hinkley.ts';
import { RobustHolt } from '../../../shared/stats/robust-holt.ts';
import { gaussians } from './helpers.ts';

describe('Cusum (Page 1954)', () => {
  it('follows the tabular recursion on hand-computed values', () => {
    const c = new Cusum(0.5, 4);
    const seq = [1, 2, 2, -1, 3];
    const out = seq.map((z) => c.push(z));
    // S+ : 0.5, 2, 3.5, 2, 4.5 → alarm only at the last step.
    expect(out).toEqual([0, 0, 0, 0, 1]);
    expect(c.upper).toBeCloseTo(4.5, 12);
    expect(c.lower).toBe(0);
    // Shift estimate k + S/N over the 5 steps since S+ was last zero.
    expect(c.shiftEstimate).toBeCloseTo(0.5 + 4.5 / 5, 12);
  });
  it('stays quiet in control and detects a 1σ shift within ~15 samples', () => {
    const c = new Cusum(0.5, 5);
    const noise = gaussians(600, 7);
    const alarms = noise.slice(0, 300).filter((z) => c.push(z) !== 0).length;
    expect(alarms).toBeLessThanOrEqual(2); // ARL₀ ≈ 465
    c.reset();
    const at = noise.slice(300).findIndex((z) => c.push(z - 1) === -1);
    expect(at).toBeGreaterThanOrEqual(0);
    expect(at).toBeLessThan(25);
  });
});

describe('PageHinkley', () => {
  it('detects an increase in the mean and not a stationary series', () => {
    const ph = new PageHinkley(0.1, 20);
    const noise = gaussians(1000, 8);
    expect(noise.slice(0, 500).some((x) => ph.push(x) !== 0)).toBe(false);
    const at = noise.slice(500).findIndex((x) => ph.push(x + 2) === 1);
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(20);
  });
  it('detects a decrease', () => {
    const ph = new PageHinkley(0.1, 20);
    const noise = gaussians(600, 9);
    noise.slice(0, 300).forEach((x) => ph.push(x));
    expect(noise.slice(300).some((x) => ph.push(x - 2) === -1)).toBe(true);
  });
});

describe('RobustHolt (Gelper et al. 2010)', () => {
  it('tracks a linear trend and estimates the noise σ', () => {
    const h = new RobustHolt({ alphaTrend: 0.1, damping: 1 });
    const noise = gaussians(2000, 10);
    noise.forEach((e, i) => h.update(0.05 * i + e));
    expect(h.forecast).toBeCloseTo(0.05 * 2000, 0);
    expect(h.scale).toBeGreaterThan(0.9);
    expect(h.scale).toBeLessThan(1.4);
  });
  it('moves by at most clip·σ·α for one outlier', () => {
    const h = new RobustHolt({ alphaTrend: 0 });
    gaussians(500, 11).forEach((e) => h.update(10 + e));
    const before = h.forecast;
    const sigma = h.scale;
    h.update(1000);
    expect(Math.abs(h.forecast - before)).toBeLessThanOrEqual(2.5 * sigma * 0.25 + 1e-9);
  });
});
