/**
 * Updates per second of each streaming primitive on one core (unit: updates/s), and the
 * size of its JSON snapshot (bytes). Input is a pre-built array of Gaussian values; the
 * timed loop only updates and folds a result into a checksum so it cannot be elided.
 */
import { AnomalyLikelihood } from '../../../shared/stats/anomaly-likelihood.ts';
import { Cusum } from '../../../shared/stats/cusum.ts';
import { DecayedTopK } from '../../../shared/stats/decayed-top-k.ts';
import { Ewma } from '../../../shared/stats/ewma.ts';
import { FirstSeenSet } from '../../../shared/stats/first-seen-set.ts';
import { Histogram } from '../../../shared/stats/histogram.ts';
import { MultivariateCombiner } from '../../../shared/stats/multivariate-combiner.ts';
import { NoveltyCodebook } from '../../../shared/stats/novelty-codebook.ts';
import { P2Quantile } from '../../../shared/stats/p2-quantile.ts';
import { PageHinkley } from '../../../shared/stats/page-hinkley.ts';
import { PhaseProfile } from '../../../shared/stats/phase-profile.ts';
import { RobustHolt } from '../../../shared/stats/robust-holt.ts';
import { RollingMedian } from '../../../shared/stats/rolling-median.ts';
import { RunningMoments } from '../../../shared/stats/running-moments.ts';
import { SeasonalProfile } from '../../../shared/stats/seasonal-profile.ts';
import { TailCalibrator } from '../../../shared/stats/tail-calibrator.ts';
import { WindowedCounter } from '../../../shared/stats/windowed-counter.ts';
import { gaussians } from '../../unit/stats/helpers.ts';
import { machine, opsPerSecond } from './machine.ts';

const N = 1 << 16;
const MASK = N - 1;
const xs = Float64Array.from(gaussians(N, 1, 50, 5));
const keys = Array.from({ length: N }, (_, i) => `k${Math.floor(Math.abs((xs[i] as number) - 50) * 40)}`);

interface Prim {
  make(): { snapshot(): unknown };
  run(p: never, n: number): number;
}
const prims: Record<string, Prim> = {
  'running-moments': {
    make: () => new RunningMoments(),
    run: (p: RunningMoments, n) => {
      for (let i = 0; i < n; i++) p.push(xs[i & MASK] as number);
      return p.variance;
    },
  },
  ewma: {
    make: () => new Ewma(0.05),
    run: (p: Ewma, n) => {
      for (let i = 0; i < n; i++) p.push(xs[i & MASK] as number);
      return p.variance;
    },
  },
  'p2-quantile': {
    make: () => new P2Quantile(0.99),
    run: (p: P2Quantile, n) => {
      for (let i = 0; i < n; i++) p.push(xs[i & MASK] as number);
      return p.value;
    },
  },
  'rolling-median(64)': {
    make: () => new RollingMedian(64),
    run: (p: RollingMedian, n) => {
      let s = 0;
      for (let i = 0; i < n; i++) {
        p.push(xs[i & MASK] as number);
        s += p.median;
      }
      return s;
    },
  },
  'rolling-median(64)+mad': {
    make: () => new RollingMedian(64),
    run: (p: RollingMedian, n) => {
      let s = 0;
      for (let i = 0; i < n; i++) {
        p.push(xs[i & MASK] as number);
        s += p.mad;
      }
      return s;
    },
  },
  cusum: {
    make: () => new Cusum(0.5, 5),
    run: (p: Cusum, n) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += p.push(((xs[i & MASK] as number) - 50) / 5);
      return s + p.statistic;
    },
  },
  'page-hinkley': {
    make: () => new PageHinkley(0.05, 50, 0.999),
    run: (p: PageHinkley, n) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += p.push(xs[i & MASK] as number);
      return s + p.statistic;
    },
  },
  'seasonal-profile(hour-of-week)': {
    make: () => SeasonalProfile.hourOfWeek(),
    run: (p: SeasonalProfile, n) => {
      let s = 0;
      for (let i = 0; i < n; i++) {
        p.update(i * 60_000, xs[i & MASK] as number);
        s += p.expected(i * 60_000);
      }
      return s;
    },
  },
  'windowed-counter(60 buckets)': {
    make: () => new WindowedCounter(1000, 60),
    run: (p: WindowedCounter, n) => {
      for (let i = 0; i < n; i++) p.add(i * 37, xs[i & MASK] as number);
      return p.sum;
    },
  },
  'decayed-top-k(64)': {
    make: () => new DecayedTopK(64, 3_600_000),
    run: (p: DecayedTopK, n) => {
      for (let i = 0; i < n; i++) p.observe(keys[i & MASK] as string, i * 10);
      return p.estimate('k0', n * 10);
    },
  },
  'first-seen-set(10k)': {
    make: () => new FirstSeenSet(10_000, 86_400_000),
    run: (p: FirstSeenSet, n) => {
      let s = 0;
      for (let i = 0; i < n; i++) if (p.observe(keys[i & MASK] as string, i)) s++;
      return s;
    },
  },
  'histogram(32 bins, forgetting)': {
    make: () => Histogram.linear(30, 70, 32, 0.999),
    run: (p: Histogram, n) => {
      for (let i = 0; i < n; i++) p.push(xs[i & MASK] as number);
      return p.count(10);
    },
  },
  'anomaly-likelihood(2000)': {
    make: () => new AnomalyLikelihood({ historySize: 2000 }),
    run: (p: AnomalyLikelihood, n) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += p.update(Math.abs((xs[i & MASK] as number) - 50) / 5);
      return s;
    },
  },
  'tail-calibrator': {
    make: () => new TailCalibrator(),
    run: (p: TailCalibrator, n) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += p.update(Math.abs((xs[i & MASK] as number) - 50) / 5);
      return s;
    },
  },
  'phase-profile(144 bins)': {
    make: () => new PhaseProfile(86_400_000, 144),
    run: (p: PhaseProfile, n) => {
      let s = 0;
      for (let i = 0; i < n; i++) {
        p.update(i * 60_000, xs[i & MASK] as number, 0.02);
        s += p.expected(i * 60_000, 1);
      }
      return s;
    },
  },
  'novelty-codebook(24×2)': {
    make: () => new NoveltyCodebook(24, 2, 0.5),
    run: (p: NoveltyCodebook, n) => {
      const f = new Float64Array(2);
      let s = 0;
      for (let i = 0; i < n; i++) {
        f[0] = ((xs[i & MASK] as number) - 50) / 5;
        f[1] = ((xs[(i + 1) & MASK] as number) - 50) / 5;
        const d = p.distance(f);
        if (Number.isFinite(d)) s += d; // +∞ only while the codebook is empty
        p.learn(f);
      }
      return s;
    },
  },
  'multivariate-combiner(6 metrics)': {
    make: () => new MultivariateCombiner(),
    run: (p: MultivariateCombiner, n) => {
      const row = new Float64Array(6);
      let s = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < 6; j++) row[j] = Math.abs((xs[(i + j * 101) & MASK] as number) - 50) / 5;
        s += p.update(row).score;
      }
      return s;
    },
  },
  'robust-holt': {
    make: () => new RobustHolt(),
    run: (p: RobustHolt, n) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += p.update(xs[i & MASK] as number);
      return s;
    },
  },
};

const results: Record<string, { updatesPerSec: number; snapshotBytes: number }> = {};
for (const [name, p] of Object.entries(prims)) {
  const { opsPerSec } = opsPerSecond((n) => p.run(p.make() as never, n));
  const warm = p.make();
  p.run(warm as never, 20_000);
  results[name] = { updatesPerSec: opsPerSec, snapshotBytes: JSON.stringify(warm.snapshot()).length };
}
console.log(
  JSON.stringify({ bench: 'stats/primitives', unit: 'updates/s, one core', machine: machine(), results }),
);
