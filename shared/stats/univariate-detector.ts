/**
 * The univariate detector behind `vigil score` and `facility.metric`: one numeric series
 * in event-time order, one anomaly score in [0, 1] per point, causal. docs/univariate.md
 * explains the design and how it was measured.
 *
 * An ensemble of cheap models, each asking one question of the newest point and
 * answering with a surprise −log10 p, calibrated against how surprising this series has
 * actually been (tail-calibrator.ts):
 *  - spike: residual of a robust damped-trend smoother (robust-holt.ts), discounted when
 *    spikes recur at this time of day (recurrence.ts: scheduled jobs);
 *  - seasonal: residual against a slow level plus a learned daily profile (phase-profile.ts)
 *    and an hour-of-week correction, each used once it explains the series;
 *  - shift: two-sided CUSUM (cusum.ts) of the smoother's residual — level shifts;
 *  - drift: a short against a long average of the deseasonalised value, standardised by
 *    the difference's own learned spread — slow drifts;
 *  - variance: an EWMA of squared standardised residuals against its χ² law;
 *  - stuck: a run of identical values longer than this series makes (run-length.ts);
 *  - novelty: a level or volatility unlike anything in the series' history (novelty.ts).
 * The largest calibrated surprise, less a Bonferroni term, is mapped to [0, 1] and gated by
 * an episode state machine with hysteresis: one alert when the score crosses `threshold`,
 * then quiet until the score has stayed under `exitThreshold` for `cooldownPoints` points.
 *
 * Cost: O(1) per point, no allocation (the result object is reused); state ≈ 4–5 KB.
 */
import { scoreOf } from './episode-gate.ts';
import { dayRate, slowRate, weekRate } from './interval-rates.ts';
import {
  DEFAULT_UNIVARIATE_OPTIONS,
  newCore,
  WEEK_MS,
  type DetectorCore,
  type UnivariateOptions,
  type UnivariateResult,
  type UnivariateStatistic,
} from './univariate-core.ts';
import {
  consider,
  judgeDrift,
  judgeLevel,
  judgeNovelty,
  judgeSpike,
  judgeVariance,
  RANGE_Z,
} from './univariate-judge.ts';
import { restoreDetector, snapshotDetector, type UnivariateState } from './univariate-state.ts';
import { clamp, newStep, type Step } from './univariate-step.ts';
import { withDefaults } from './with-defaults.ts';

export { DEFAULT_UNIVARIATE_OPTIONS };
export type { UnivariateOptions, UnivariateResult, UnivariateStatistic };

const MEAN_ABS_TO_SIGMA = Math.sqrt(Math.PI / 2);
/** Bonferroni over the seven components: the best of seven p-values is not a p-value. */
const BONFERRONI = Math.log10(7);
/** |drift z| beyond which the long baseline stops learning. */
const DRIFT_HOLD_Z = 2;
/** Points after which a held baseline (or a refused spread) follows again. */
const DRIFT_HOLD_POINTS = 150;

export class UnivariateDetector {
  readonly options: Readonly<UnivariateOptions>;
  /** The learned state (see univariate-state.ts for its snapshot form). */
  s: DetectorCore;
  private readonly st: Step = newStep();
  private readonly out: UnivariateResult = {
    score: 0,
    surprise: 0,
    statistic: 'spike',
    observed: Number.NaN,
    expected: Number.NaN,
    lower: Number.NaN,
    upper: Number.NaN,
    alert: false,
    inEpisode: false,
    episode: 0,
  };

  constructor(options: Partial<UnivariateOptions> = {}) {
    this.options = withDefaults(DEFAULT_UNIVARIATE_OPTIONS, options);
    this.s = newCore(this.options);
  }

  /**
   * Scores the point (t ms, x) and learns it. A non-finite x scores 0 and is not
   * learned; a t that does not advance is scored with the typical interval.
   */
  update(t: number, x: number): UnivariateResult {
    const r = this.out;
    r.alert = false;
    r.observed = x;
    if (!Number.isFinite(x) || !Number.isFinite(t)) {
      r.score = 0;
      r.surprise = 0;
      return r;
    }
    const s = this.s;
    s.n++;
    if (s.n === 1) s.firstT = t;
    s.novelty.clear();
    this.predict(t, x);
    this.judge(t, x);
    if (!this.st.frozen) this.learn(t, x);
    return this.finish();
  }

  /** Forecasts of every model for time t, before x is learned. */
  private predict(t: number, x: number): void {
    const o = this.options;
    const s = this.s;
    const st = this.st;
    const dt0 = Number.isNaN(s.lastT) ? 0 : t - s.lastT;
    if (dt0 > 0) s.interval.push(dt0);
    st.typical = s.interval.size > 0 ? s.interval.value : 0;
    st.dt = dt0 > 0 ? dt0 : st.typical;
    s.lastT = Number.isNaN(s.lastT) ? t : Math.max(s.lastT, t);
    st.gap = s.n > 2 && st.typical > 0 && st.dt > o.gapFactor * st.typical;
    st.floor = Math.max(1e-9, 1e-6 * Math.abs(x)); // a flat series has no spread

    // Slow level plus daily profile, used once the profile explains the series, plus an
    // hour-of-week correction (weekends, a weekday rush hour) once two weeks are learned
    // and it explains the series better than the daily profile alone.
    const p = s.profile;
    const warm = p !== null && t - s.firstT >= 2 * o.seasonPeriodMs && p.countAt(t) >= 2;
    const season = warm ? p.expected(t, 2) : 0;
    const warmWeek = o.weekBins > 0 && t - s.firstT >= 2 * WEEK_MS && s.week.countAt(t) >= 2;
    const week = warmWeek ? s.week.expected(t, 2) : 0;
    st.daily = season;
    st.slowPred = Number.isNaN(s.slow.mean) ? x : s.slow.mean;
    const rNo = x - st.slowPred;
    const rWith = rNo - season;
    const rWeek = rWith - week;
    s.errNoSeason.push(rNo * rNo);
    s.errSeason.push(rWith * rWith);
    s.errWeek.push(rWeek * rWeek);
    const daily = warm && s.errSeason.mean < 0.7 * s.errNoSeason.mean;
    const weekly = warmWeek && s.errWeek.mean < 0.7 * Math.min(s.errSeason.mean, s.errNoSeason.mean);
    st.useSeason = daily || weekly;
    st.season = weekly ? season + week : daily ? season : 0;
    st.seasonalPred = st.slowPred + st.season;
    st.rs = x - st.seasonalPred;
    st.sigmaS = Math.max(s.seasonScale.count > 0 ? s.seasonScale.mean * MEAN_ABS_TO_SIGMA : 0, st.floor);

    // Fast robust smoother.
    st.fastPred = s.fast.forecast;
    st.sigmaF = Math.max(s.fast.scale, st.floor);
    st.rf = Number.isNaN(st.fastPred) ? 0 : x - st.fastPred;
  }

  /**
   * Each component's calibrated surprise; the largest one is kept with its explanation.
   * Split by component so that V8 inlines each one's models into it (one large method
   * exhausts its inlining budget, and every number passed to or returned from a call
   * that is not inlined is boxed on the heap).
   */
  private judge(t: number, x: number): void {
    const s = this.s;
    const st = this.st;
    st.zf = st.rf / st.sigmaF;
    st.best = 0;
    st.stat = 'spike';
    st.expected = st.fastPred;
    st.half = RANGE_Z * st.sigmaF;
    const learned = s.n > 20 && !st.gap;
    // Only a series that has shown variation can get stuck or calm down; a flat line
    // from the start is its own normal.
    st.varies = s.fast.scale > 10 * st.floor;
    if (learned) {
      judgeNovelty(s, st, x);
      judgeSpike(s, st, t);
      judgeLevel(s, st);
      judgeDrift(s, st);
      judgeVariance(s, st);
    }
    const pStuck = s.stuck.update(x === s.lastX, st.varies);
    if (learned && pStuck > st.best) consider(st, 'stuck', pStuck, x, 0);
    s.lastX = x;
    // A frozen sensor teaches nothing: learning its repeats would shrink every scale and
    // make the return to normal look like an anomaly.
    st.frozen = s.stuck.run >= 2 && pStuck > 2;
  }

  /**
   * Updates every model with x, each robustly (residuals clipped at a few σ). Split in
   * parts, as `judge` is, so that each inlines its models.
   */
  private learn(t: number, x: number): void {
    const s = this.s;
    const st = this.st;
    if (st.gap) {
      s.fast.rebase(x);
      s.cusum.reset();
      s.stuck.reset();
    } else s.fast.update(x, st.floor);
    if (s.cusum.statistic > s.cusum.h) s.cusum.reset();
    this.learnSeason(t);
    s.novelty.learn(x);
    this.learnDrift(x);
  }

  /** The slow level and the daily and weekly profiles. */
  private learnSeason(t: number): void {
    const o = this.options;
    const s = this.s;
    const st = this.st;
    const clipped = st.seasonalPred + clamp(st.rs, 3 * st.sigmaS);
    if (st.typical !== st.ratesTypical) this.rates();
    if (st.dt !== st.slowDt) {
      st.slowDt = st.dt;
      st.slowRate = slowRate(st.dt, Math.max(o.seasonPeriodMs / 4, 30 * st.typical));
    }
    const aSlow = st.slowRate;
    s.slow.pushWithAlpha(clipped - st.season, Number.isNaN(s.slow.mean) ? 1 : aSlow);
    if (s.profile !== null) {
      s.profile.update(t, clipped - st.slowPred, st.dayRate);
    }
    if (o.weekBins > 0) {
      // The week learns what the daily profile leaves, at the same per-period rate.
      s.week.update(t, clipped - st.slowPred - st.daily, st.weekRate);
    }
  }

  /** The seasonal scale and the drift component's averages. */
  private learnDrift(x: number): void {
    const s = this.s;
    const st = this.st;
    s.seasonScale.pushWithAlpha(s.n < 10 ? Math.abs(st.rs) : Math.min(Math.abs(st.rs), 3 * st.sigmaS), 0.02);

    const xc = Number.isNaN(st.fastPred) ? x : st.fastPred + clamp(st.rf, 3 * st.sigmaF);
    s.short.push(xc - st.season);
    // The long baseline holds while the short average has left it, so a slow drift keeps
    // growing against it instead of dragging it along; after DRIFT_HOLD_POINTS a moved
    // level is the new normal and the baseline follows again.
    const away = Math.abs(st.dz) > DRIFT_HOLD_Z;
    s.held = away ? s.held + 1 : 0;
    if (!away || s.held > DRIFT_HOLD_POINTS) s.long.push(xc - st.season);
    const d = s.short.mean - s.long.mean;
    // Learn the difference's spread only while it looks normal, so a drift does not widen
    // it — but a difference that keeps looking abnormal is this series' own spread (a
    // profile that cannot follow a square wave exactly): after DRIFT_HOLD_POINTS net
    // refusals it is learned, instead of the spread staying too narrow for ever.
    const normal = s.dStat.count < 50 || Math.abs(d - s.dStat.mean) < 3 * s.dStat.std;
    s.rejects = normal ? Math.max(0, s.rejects - 1) : s.rejects + 1;
    if (normal || s.rejects > DRIFT_HOLD_POINTS) s.dStat.push(d);
  }

  /**
   * Learning rates for this sampling interval (recomputed only when it changes): per-sample
   * profile rates such that each bin forgets at SEASON_RATE per period; and the slow
   * level's time-based rate, which depends on it.
   */
  private rates(): void {
    const o = this.options;
    const s = this.s;
    const st = this.st;
    st.ratesTypical = st.typical;
    st.slowDt = Number.NaN;
    st.dayRate = s.profile === null ? 0 : dayRate(st.typical, o.seasonPeriodMs / s.profile.bins);
    st.weekRate = weekRate(st.typical, WEEK_MS / s.week.bins);
  }

  /** Score, explanation and the episode state machine. */
  private finish(): UnivariateResult {
    const o = this.options;
    const s = this.s;
    const st = this.st;
    const r = this.out;
    const surprise = Math.max(0, st.best - BONFERRONI);
    const score = s.n <= o.probationPoints ? 0 : scoreOf(surprise, o.surpriseAtOne);
    r.surprise = surprise;
    r.statistic = st.stat;
    r.expected = st.expected;
    r.lower = st.expected - st.half;
    r.upper = st.expected + st.half;
    r.score = s.episodes.step(score, surprise, o);
    r.alert = s.episodes.alert;
    r.inEpisode = s.episodes.inEpisode;
    r.episode = s.episodes.episode;
    return r;
  }

  snapshot(): UnivariateState {
    return snapshotDetector(this.options, this.s);
  }

  static restore(state: UnivariateState): UnivariateDetector {
    const d = new UnivariateDetector(state.options);
    d.s = restoreDetector(state, d.options);
    return d;
  }
}
