/** Every primitive: snapshot mid-stream → JSON → restore, then continue; equals an uninterrupted run. */
import { describe, expect, it } from 'vitest';
import { AnomalyLikelihood } from '../../../shared/stats/anomaly-likelihood.ts';
import { Cusum } from '../../../shared/stats/cusum.ts';
import { DecayedTopK } from '../../../shared/stats/decayed-top-k.ts';
import { Ewma } from '../../../shared/stats/ewma.ts';
import { FirstSeenSet } from '../../../shared/stats/first-seen-set.ts';
import { Histogram } from '../../../shared/stats/histogram.ts';
import { P2Quantile } from '../../../shared/stats/p2-quantile.ts';
import { PageHinkley } from '../../../shared/stats/page-hinkley.ts';
import { RobustHolt } from '../../../shared/stats/robust-holt.ts';
import { RollingMedian } from '../../../shared/stats/rolling-median.ts';
import { RunningMoments } from '../../../shared/stats/running-moments.ts';
import { SeasonalProfile } from '../../../shared/stats/seasonal-profile.ts';
import { TailCalibrator } from '../../../shared/stats/tail-calibrator.ts';
import { WindowedCounter } from '../../../shared/stats/windowed-counter.ts';
import { gaussians, viaJson } from './helpers.ts';

interface Case<T> {
  make(): T;
  step(x: T, v: number, i: number): number | string;
  save(x: T): unknown;
  load(s: unknown): T;
}

const xs = gaussians(2000, 21, 50, 5);
const c = <T>(k: Case<T>): Case<unknown> => k as Case<unknown>;
const cases: Record<string, Case<unknown>> = {
  RunningMoments: c({
    make: () => new RunningMoments(),
    step: (m, v) => (m.push(v), m.variance),
    save: (m) => m.snapshot(),
    load: (s) => RunningMoments.restore(s as never),
  }),
  Ewma: c({
    make: () => new Ewma(0.05),
    step: (m, v) => (m.push(v), m.variance),
    save: (m) => m.snapshot(),
    load: (s) => Ewma.restore(s as never),
  }),
  P2Quantile: c({
    make: () => new P2Quantile(0.95),
    step: (m, v) => (m.push(v), m.value),
    save: (m) => m.snapshot(),
    load: (s) => P2Quantile.restore(s as never),
  }),
  RollingMedian: c({
    make: () => new RollingMedian(25),
    step: (m, v) => (m.push(v), m.median + m.mad),
    save: (m) => m.snapshot(),
    load: (s) => RollingMedian.restore(s as never),
  }),
  Cusum: c({
    make: () => new Cusum(0.5, 5),
    step: (m, v) => m.push((v - 50) / 5) + m.statistic,
    save: (m) => m.snapshot(),
    load: (s) => Cusum.restore(s as never),
  }),
  PageHinkley: c({
    make: () => new PageHinkley(0.05, 30, 0.999),
    step: (m, v) => m.push(v) + m.statistic,
    save: (m) => m.snapshot(),
    load: (s) => PageHinkley.restore(s as never),
  }),
  SeasonalProfile: c({
    make: () => SeasonalProfile.hourOfDay(0.1),
    step: (m, v, i) => (m.update(i * 600_000, v), m.expected(i * 600_000 + 300_000)),
    save: (m) => m.snapshot(),
    load: (s) => SeasonalProfile.restore(s as never),
  }),
  WindowedCounter: c({
    make: () => new WindowedCounter(10_000, 30),
    step: (m, v, i) => (m.add(i * 1700, v), m.sum),
    save: (m) => m.snapshot(),
    load: (s) => WindowedCounter.restore(s as never),
  }),
  DecayedTopK: c({
    make: () => new DecayedTopK(8, 60_000),
    step: (m, v, i) => (m.observe(`k${Math.round(v) % 13}`, i * 1000), JSON.stringify(m.top(3, i * 1000))),
    save: (m) => m.snapshot(),
    load: (s) => DecayedTopK.restore(s as never),
  }),
  FirstSeenSet: c({
    make: () => new FirstSeenSet(10, 50_000),
    step: (m, v, i) => String(m.observe(`k${Math.round(v) % 17}`, i * 1000)),
    save: (m) => m.snapshot(),
    load: (s) => FirstSeenSet.restore(s as never),
  }),
  Histogram: c({
    make: () => Histogram.linear(30, 70, 8, 0.99),
    step: (m, v) => (m.push(v), m.count(3)),
    save: (m) => m.snapshot(),
    load: (s) => Histogram.restore(s as never),
  }),
  AnomalyLikelihood: c({
    make: () => new AnomalyLikelihood({ historySize: 300, learningPeriod: 50 }),
    step: (m, v) => m.update(Math.abs(v - 50) / 5),
    save: (m) => m.snapshot(),
    load: (s) => AnomalyLikelihood.restore(s as never),
  }),
  TailCalibrator: c({
    make: () => new TailCalibrator(),
    step: (m, v) => m.update(Math.abs(v - 50) / 3),
    save: (m) => m.snapshot(),
    load: (s) => TailCalibrator.restore(s as never),
  }),
  'TailCalibrator (upper level)': c({
    make: () => new TailCalibrator().withUpper(6, 20),
    step: (m, v) => m.update(Math.abs(v - 50) / 1.5),
    save: (m) => m.snapshot(),
    load: (s) => TailCalibrator.restore(s as never),
  }),
  RobustHolt: c({
    make: () => new RobustHolt(),
    step: (m, v) => m.update(v) + m.scale,
    save: (m) => m.snapshot(),
    load: (s) => RobustHolt.restore(s as never),
  }),
};

describe('snapshot → JSON → restore mid-stream', () => {
  it.each(Object.keys(cases))('%s continues exactly as an uninterrupted run', (name) => {
    const k = cases[name] as Case<unknown>;
    const whole = k.make();
    const expected = xs.map((v, i) => k.step(whole, v, i));
    let half = k.make();
    const got = xs.map((v, i) => {
      if (i === 1000) half = k.load(viaJson(k.save(half)));
      return k.step(half, v, i);
    });
    expect(got).toEqual(expected);
  });
  it('refuses a state of another version', () => {
    expect(() => Ewma.restore({ ...new Ewma(0.1).snapshot(), v: 2 as 1 })).toThrow(/version/);
  });
});
