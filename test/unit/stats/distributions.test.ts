import * as ss from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { AnomalyLikelihood } from '../../../shared/stats/anomaly-likelihood.ts';
import {
  chiSquaredBinned,
  chiSquaredTail,
  kolmogorovQ,
  ksBinned,
  psi,
} from '../../../shared/stats/distribution-distance.ts';
import { Histogram } from '../../../shared/stats/histogram.ts';
import { normalCdf, normalTail } from '../../../shared/stats/normal.ts';
import { TailCalibrator } from '../../../shared/stats/tail-calibrator.ts';
import { gaussians, rng } from './helpers.ts';

describe('normal', () => {
  it('matches simple-statistics cumulativeStdNormalProbability and far-tail values', () => {
    for (const z of [-3, -1.5, -0.2, 0, 0.7, 1.96, 2.5]) {
      expect(normalCdf(z)).toBeCloseTo(ss.cumulativeStdNormalProbability(z), 4);
    }
    expect(normalTail(5) / 2.866515719e-7).toBeCloseTo(1, 5);
    expect(normalTail(10) / 7.619853024e-24).toBeCloseTo(1, 5);
  });
});

describe('Histogram', () => {
  it('bins with under- and overflow, and forgets geometrically', () => {
    const h = Histogram.linear(0, 10, 5);
    [-1, 0, 1.9, 2, 9.99, 10, 42].forEach((x) => h.push(x));
    expect(Array.from(h.counts())).toEqual([1, 2, 1, 0, 0, 1, 2]);
    const f = new Histogram([0], 0.5);
    f.push(-1);
    f.push(1);
    expect(f.count(0)).toBeCloseTo(0.5, 12);
    expect(f.count(1)).toBeCloseTo(1, 12);
    for (let i = 0; i < 2000; i++) f.push(1); // lazy rescaling keeps it finite
    expect(f.count(1)).toBeCloseTo(2, 9);
  });
});

describe('distribution distances', () => {
  it('PSI by the definition', () => {
    const e = [50, 30, 20];
    const a = [30, 30, 40];
    const ref = (0.3 - 0.5) * Math.log(0.3 / 0.5) + 0 + (0.4 - 0.2) * Math.log(0.4 / 0.2);
    expect(psi(e, a)).toBeCloseTo(ref, 12);
    expect(psi(e, e)).toBe(0);
  });
  it('binned KS equals the exact two-sample D when each bin holds distinct values', () => {
    const u = rng(15);
    const xs = Array.from({ length: 200 }, () => Math.floor(u() * 50));
    const ys = Array.from({ length: 300 }, () => Math.floor(u() * 50 + 5));
    const edges = Array.from({ length: 60 }, (_, i) => i + 0.5);
    const hx = new Histogram(edges);
    const hy = new Histogram(edges);
    xs.forEach((x) => hx.push(x));
    ys.forEach((y) => hy.push(y));
    let d = 0;
    for (let v = -1; v <= 60; v++) {
      d = Math.max(
        d,
        Math.abs(xs.filter((x) => x <= v).length / 200 - ys.filter((y) => y <= v).length / 300),
      );
    }
    const r = ksBinned(hx.counts(), hy.counts());
    expect(r.statistic).toBeCloseTo(d, 12);
    expect(r.pValue).toBeLessThan(0.01);
    expect(kolmogorovQ(1.36)).toBeCloseTo(0.049, 3); // the 5 % critical value
  });
  it('chi-squared homogeneity statistic and Wilson–Hilferty tail', () => {
    const r = chiSquaredBinned([10, 20, 30], [10, 20, 30]);
    expect(r.statistic).toBe(0);
    expect(r.dof).toBe(2);
    const r2 = chiSquaredBinned([30, 10], [10, 30]);
    expect(r2.statistic).toBeCloseTo(20, 12); // Σ (a−b)²/(a+b) for equal totals
    expect(chiSquaredTail(18.307, 10)).toBeCloseTo(0.05, 2); // table value
    expect(chiSquaredTail(6.635, 1)).toBeCloseTo(0.01, 2);
  });
});

describe('AnomalyLikelihood (Ahmad et al. 2017)', () => {
  it('is 0.5 while learning, then small for scores far above the history', () => {
    const al = new AnomalyLikelihood({ historySize: 500, shortWindow: 1, learningPeriod: 100 });
    const u = rng(16);
    for (let i = 0; i < 99; i++) expect(al.update(u() * 0.2)).toBe(0.5);
    for (let i = 0; i < 400; i++) al.update(u() * 0.2);
    expect(al.tail(0.1)).toBeGreaterThan(0.2);
    const q = al.update(1);
    expect(q).toBeLessThan(1e-6);
    expect(AnomalyLikelihood.logScore(q)).toBeGreaterThan(0.6);
  });
  it('fits mean and standard deviation of its rolling history like simple-statistics', () => {
    const al = new AnomalyLikelihood({ historySize: 300, shortWindow: 1, learningPeriod: 10 });
    const xs = gaussians(1000, 17, 0.3, 0.1);
    xs.forEach((x) => al.update(x));
    const win = xs.slice(-300);
    const z = (0.5 - ss.mean(win)) / ss.standardDeviation(win);
    expect(al.tail(0.5)).toBeCloseTo(normalTail(z), 9);
  });
});

describe('TailCalibrator', () => {
  it('leaves calibrated surprises alone and discounts heavy tails', () => {
    const u = rng(18);
    const calm = new TailCalibrator();
    const heavy = new TailCalibrator();
    for (let i = 0; i < 20_000; i++) {
      calm.learn(-Math.log10(u())); // p-values uniform: surprises calibrated
      heavy.learn(-3 * Math.log10(u())); // three times too surprising
    }
    expect(calm.calibrate(6)).toBeGreaterThan(5);
    expect(calm.calibrate(6)).toBeLessThan(7);
    expect(heavy.calibrate(6)).toBeLessThan(3);
  });

  it('an upper level discounts recurring far outliers, not calibrated surprises or rare ones', () => {
    const u = rng(19);
    const calm = new TailCalibrator().withUpper(8, 7);
    const rare = new TailCalibrator().withUpper(8, 7);
    const outliers = new TailCalibrator().withUpper(8, 7);
    const single = new TailCalibrator();
    for (let i = 0; i < 20_000; i++) {
      const s = -Math.log10(u());
      calm.learn(s);
      // A harmless outlier of surprise ≈ 30 every 250 points, or only twice in total.
      const far = i % 250 === 0 ? 30 : s;
      outliers.learn(far);
      single.learn(far);
      rare.learn(i === 18_000 || i === 19_000 ? 30 : s);
    }
    expect(calm.calibrate(12)).toBeGreaterThan(11);
    expect(rare.calibrate(30)).toBeGreaterThan(8);
    expect(outliers.calibrate(30)).toBeLessThan(3);
    expect(single.calibrate(30)).toBeGreaterThan(8);
    // Power-law tail: ten times the surprise is more surprising, by the fitted tail index.
    expect(outliers.calibrate(300)).toBeGreaterThan(outliers.calibrate(30) + 0.5);
  });

  it('counts a run of exceedances as one event (runs declustering)', () => {
    const u = rng(20);
    const points = new TailCalibrator(2, 500, 1 / 5000, 3, 'peak');
    const bursts = new TailCalibrator(2, 500, 1 / 5000, 3, 'peak');
    for (let i = 0; i < 20_000; i++) {
      const s = -Math.log10(u());
      // The same exceedances, once spread out and once in runs of ten.
      points.learn(i % 500 === 0 ? 4 : s);
      bursts.learn(i % 5000 < 50 && i % 5000 >= 40 ? 4 : s);
    }
    // Spread out: 40 events; in runs: 4 events of ten points — much rarer as events.
    expect(bursts.calibrate(4)).toBeGreaterThan(points.calibrate(4) + 0.5);
  });

  it('restores its state exactly, and older versions with every exceedance as a run', () => {
    const c = new TailCalibrator(2, 500, 1 / 5000, 3, 'all').withUpper(6, 7);
    const u = rng(21);
    for (let i = 0; i < 3000; i++) c.learn(-2 * Math.log10(u()));
    const r = TailCalibrator.restore(JSON.parse(JSON.stringify(c.snapshot())));
    expect(r.calibrate(9)).toBe(c.calibrate(9));
    const v2 = { v: 2 as const, u: 2, forget: 1 / 5000, maxExcess: 3, n: 600, exceed: 12, excess: 8 };
    expect(
      TailCalibrator.restore({ ...v2, u2: 8, maxExcess2: 20, exceed2: 3, excess2: 30 }).calibrate(20),
    ).toBeGreaterThan(0);
    expect(() => TailCalibrator.restore({ ...v2, v: 4 as unknown as 2 })).toThrow(/version 4/);
  });
});
