/**
 * The components of the univariate detector (univariate-detector.ts), each scoring the
 * newest point: its surprise, calibrated against this series' history, is kept with its
 * explanation when it is the largest so far. One function per component so that V8
 * inlines each one's models into it: a single large method exhausts its inlining budget,
 * and every number passed to or returned from a call that is not inlined is boxed on the
 * heap (an allocation per number).
 */
import { SPIKE_UPPER, VAR_ALPHA, type DetectorCore, type UnivariateStatistic } from './univariate-core.ts';
import { clamp, CLIPPED_Z2_MEAN, gaussSurprise, varianceSurprise, type Step } from './univariate-step.ts';

/** z beyond which a residual is "outside the expected range" in explanations (p ≈ 1e-4). */
export const RANGE_Z = 3.9;
const LOG10E = Math.LOG10E;
/** Points before the novelty component speaks (its codebook needs a history). */
const NOVELTY_AFTER = 200;

/** Novelty against the series' whole history. */
export function judgeNovelty(s: DetectorCore, st: Step, x: number): void {
  const novelty = s.calNovelty.update(s.novelty.score(x, st.floor));
  if (s.novelty.count > NOVELTY_AFTER && novelty > st.best) {
    const stat = Math.abs(st.zf) > RANGE_Z ? 'spike' : 'shift';
    consider(st, stat, novelty, s.novelty.nearestLevel(), 0.5 * s.novelty.unit);
  }
}

/** One point off the fast smoother, unless spikes recur at this time of day. */
export function judgeSpike(s: DetectorCore, st: Step, t: number): void {
  const raw = gaussSurprise(st.zf);
  let spike = s.calSpike.update(raw);
  // A spike at a time of day when this series spiked on earlier days is scheduled work.
  if (s.recurrence !== null) {
    // The discount can only lower the spike: one that cannot win needs none.
    if (spike > st.best) spike = Math.min(spike, s.recurrence.surprise(t, st.typical));
    s.recurrence.learn(t, raw > SPIKE_UPPER);
  }
  if (spike > st.best) consider(st, 'spike', spike, st.fastPred, st.sigmaF);
}

/** The seasonal residual, and level shifts. */
export function judgeLevel(s: DetectorCore, st: Step): void {
  if (st.useSeason && s.n > 50) {
    const pSeason = s.calSeason.update(gaussSurprise(st.rs / st.sigmaS));
    if (pSeason > st.best) consider(st, 'seasonal', pSeason, st.seasonalPred, st.sigmaS);
  }
  // CUSUM of the fast model's (near-white) residual: a level shift adds up over the
  // few points the smoother takes to follow it. Tail P(S > s) ≈ exp(−2k·s) for
  // Gaussian input (Siegmund 1985, §2.6), then calibrated like the others.
  s.cusum.push(clamp(st.zf, 4));
  const pShift = s.calShift.update(2 * s.cusum.k * s.cusum.statistic * LOG10E);
  if (s.n > 50 && pShift > st.best) consider(st, 'shift', pShift, s.long.mean + st.season, st.sigmaF);
}

/** Slow drifts. */
export function judgeDrift(s: DetectorCore, st: Step): void {
  // Drift: a short against a long average of the deseasonalised value, standardised
  // by that difference's own learned spread (which absorbs autocorrelation and trend).
  const dz = (st.dz =
    s.dStat.count > 1 ? (s.short.mean - s.long.mean - s.dStat.mean) / Math.max(s.dStat.std, st.floor) : 0);
  const pDrift = s.calDrift.update(gaussSurprise(dz));
  if (s.n > 100 && pDrift > st.best) consider(st, 'drift', pDrift, s.long.mean + st.season, st.sigmaS);
}

/** Changes of variance. */
export function judgeVariance(s: DetectorCore, st: Step): void {
  const zf = st.zf;
  s.varRatio.pushWithAlpha(Math.min(zf * zf, 9), VAR_ALPHA);
  const ratio = s.varRatio.mean / CLIPPED_Z2_MEAN;
  const pVar = s.calVariance.update(varianceSurprise(ratio));
  if (s.n > 60 && st.varies && pVar > st.best)
    consider(st, 'variance', pVar, st.fastPred, st.sigmaF * Math.sqrt(ratio));
}

/**
 * Keeps a component's surprise and explanation if it is the largest so far (the first on
 * ties). Callers test `surprise > st.best` first: most components lose, and a call that V8
 * does not inline boxes each number it passes (an allocation per argument).
 */
export function consider(
  st: Step,
  stat: UnivariateStatistic,
  surprise: number,
  expected: number,
  sigma: number,
): void {
  if (!(surprise > st.best)) return;
  st.best = surprise;
  st.stat = stat;
  st.expected = expected;
  st.half = RANGE_Z * sigma;
}
