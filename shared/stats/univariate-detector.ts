/**
 * The univariate detector behind `vigil score` and `facility.metric`: one numeric series
 * in event-time order, one anomaly score in [0, 1] per point, causal.
 *
 * An ensemble of cheap models, each asking one question of the newest point and
 * answering with a tail probability p (how often a point this surprising occurs under the
 * learned normal); surprise = −log10 p of the component that is most sure:
 *  - spike: residual of a robust damped-trend smoother (robust-holt.ts) — sudden jumps,
 *    spikes, dips, the onset of a level shift;
 *  - seasonal: residual against a slow level plus a learned daily profile
 *    (seasonal-profile.ts), used once a profile explains the series better than the
 *    level alone — a value that is normal at noon but not at 3 a.m.; plus an hour-of-week
 *    correction once two weeks are learned — a holiday Monday that looks like a Sunday;
 *  - shift: two-sided CUSUM (cusum.ts) of the seasonal residual — level shifts, drifts,
 *    changes in the shape of the daily curve. On an alarm the level moves by the CUSUM's
 *    own estimate of the shift, so the new level becomes the normal;
 *  - drift: a short (10-point) against a long (400-point) average of the deseasonalised
 *    value, standardised by the difference's own learned spread; the long baseline holds
 *    while the difference is large, so a slow ramp keeps growing against it;
 *  - variance: an exponentially weighted mean of squared standardised residuals against
 *    its χ² law (Wilson–Hilferty) — noise that grows or collapses;
 *  - stuck: the run of identical values against the learned probability of a repeat
 *    (geometric tail) — a frozen sensor, without flagging naturally quantised series.
 * The surprise is scaled to [0, 1] and gated by an episode state machine with
 * hysteresis: one alert when the score crosses `threshold`, then quiet until the score
 * has stayed under `exitThreshold` for `cooldownPoints` points.
 *
 * Time: sampling may be irregular. The typical interval is a running median (P²) of the
 * gaps between points; a gap of more than `gapFactor` intervals restarts the short-term
 * models instead of scoring the jump across it. Slow components use time-based rates.
 *
 * Cost: O(1) per point, no allocation (the result object is reused); state ≈ 100 numbers
 * plus the daily profile (3 × bins).
 */
import { Cusum } from './cusum.ts';
import { Ewma, alphaForInterval } from './ewma.ts';
import { normalTail } from './normal.ts';
import { P2Quantile } from './p2-quantile.ts';
import { RangeTail } from './range-tail.ts';
import { NoveltyCodebook } from './novelty-codebook.ts';
import { RobustHolt } from './robust-holt.ts';
import { SeasonalProfile } from './seasonal-profile.ts';
import { TailCalibrator } from './tail-calibrator.ts';
import {
  DRIFT_MAX_EXCESS,
  DRIFT_SPREAD_ALPHA,
  SEASON_UPPER,
  SPIKE_UPPER,
  UPPER_MAX_EXCESS,
} from './univariate-calibration.ts';
import {
  newWeek,
  restoreDetector,
  snapshotDetector,
  WEEK_MS,
  type UnivariateState,
} from './univariate-state.ts';

export type UnivariateStatistic = 'spike' | 'seasonal' | 'shift' | 'drift' | 'variance' | 'stuck';

export interface UnivariateOptions {
  /** Points learned before any score above 0 (the probation period). */
  probationPoints: number;
  /** Score that opens an episode (one alert). */
  threshold: number;
  /** Score under which an open episode starts to close. */
  exitThreshold: number;
  /** Consecutive points under `exitThreshold` that close an episode. */
  cooldownPoints: number;
  /** Length of the seasonal period in ms (a day); 0 disables the seasonal model. */
  seasonPeriodMs: number;
  /** Bins of the seasonal profile. */
  seasonBins: number;
  /**
   * Bins of the hour-of-week correction on top of the daily profile (84 = 2-hour bins);
   * 0 disables it. Used once two weeks are learned and it explains the series better.
   */
  weekBins: number;
  /** A gap longer than this many typical intervals restarts the short-term models. */
  gapFactor: number;
  /** Surprise (−log10 p) that maps to score 1. */
  surpriseAtOne: number;
}

export const DEFAULT_UNIVARIATE_OPTIONS: Readonly<UnivariateOptions> = Object.freeze({
  probationPoints: 150,
  threshold: 0.5,
  exitThreshold: 0.3,
  cooldownPoints: 48,
  seasonPeriodMs: 86_400_000,
  seasonBins: 144,
  weekBins: 84,
  gapFactor: 10,
  surpriseAtOne: 8,
});

/** What one point scored and why; one object per detector, overwritten by each update. */
export interface UnivariateResult {
  /** Anomaly score in [0, 1]. */
  score: number;
  /** Surprise, −log10 of the tail probability of the firing component. */
  surprise: number;
  statistic: UnivariateStatistic;
  observed: number;
  /** Forecast of the firing component and the range it considered normal. */
  expected: number;
  lower: number;
  upper: number;
  /** True on the point that opens an episode: raise one alert here. */
  alert: boolean;
  inEpisode: boolean;
  /** Number of the current or last episode (1-based; 0 = none yet). */
  episode: number;
}

/** z beyond which a residual is "outside the expected range" in explanations (p ≈ 1e-4). */
const RANGE_Z = 3.9;
const LOG10E = Math.LOG10E;
/** Weight of the variance component's short window (≈ 2/α − 1 = 39 points of dof). */
const VAR_ALPHA = 0.05;
const VAR_DOF = 2 / VAR_ALPHA - 1;
/** Per-period learning rate of the seasonal profile (half-life ≈ 4 periods). */
const SEASON_RATE = 0.15;
const MEAN_ABS_TO_SIGMA = Math.sqrt(Math.PI / 2);
const NOV = process.env.NOV !== undefined;
const NOVR = Number(process.env.NOVR ?? 0.5);
const NOVRAD = Number(process.env.NOVRAD ?? 0.5);
const NOVK = Number(process.env.NOVK ?? 24);
const NOVW = Number(process.env.NOVW ?? 1);
const FEAT = new Float64Array(2);
const BONFERRONI = Math.log10(process.env.RANGE !== undefined || NOV ? 7 : 6);
/** Span in points of the drift component's long baseline. */
const LONG_SPAN = 400;
/** |drift z| beyond which the long baseline stops learning. */
const DRIFT_HOLD_Z = 2;
/** Points after which a held baseline follows again: the moved level is the new normal. */
const DRIFT_HOLD_POINTS = 150;
const ESCALATE = Number(process.env.ESC ?? 1e9);
const GATE = Number(process.env.GATE ?? Infinity);
const FINAL = process.env.FINAL !== undefined;
const FU = Number(process.env.FU ?? 2);
const FU2 = Number(process.env.FU2 ?? 6);
const FF = Number(process.env.FF ?? 1/5000);
const FISHER = process.env.FISHER !== undefined;
const FK = Number(process.env.FISHER ?? 7);
const SUM = { v: 0, k: 0 };
/** −log10 P(χ²_{2k} > 2·ln10·Σ s): Fisher's combination of k surprises. */
function fisher(sum: number, k: number): number {
  const h = sum * Math.LN10; // x/2
  let term = 1;
  let acc = 1;
  for (let j = 1; j < k; j++) {
    term *= h / j;
    acc += term;
  }
  return Math.max(0, sum - Math.log10(acc));
}
const SCHED = process.env.SCHED !== undefined;
const SCHEDK = Number(process.env.SCHEDK ?? 1.5);
const SCHEDM = Number(process.env.SCHEDM ?? 0);
const SCHEDF = Number(process.env.SCHEDF ?? 0.8);
const W: Record<string, number> = JSON.parse(process.env.W ?? '{}');
const DC = (process.env.DC ?? '').split(',');
const TH = (process.env.TH ?? '').split(',');
function dc(c: TailCalibrator, name: string): TailCalibrator {
  c.decluster = DC.includes(name);
  c.theta = TH.includes(name);
  return c;
}
const COOL = Number(process.env.COOL ?? 48);

export class UnivariateDetector {
  readonly options: Readonly<UnivariateOptions>;
  /** The learned state (see univariate-state.ts for its snapshot form). */
  s: DetectorCore;
  private prevX = Number.NaN;
  private readonly st: Step = {
    t: 0,
    dt: 0,
    typical: 0,
    gap: false,
    floor: 0,
    slowPred: 0,
    useSeason: false,
    season: 0,
    seasonalPred: 0,
    daily: 0,
    rs: 0,
    dz: 0,
    sigmaS: 0,
    fastPred: 0,
    sigmaF: 0,
    rf: 0,
    best: 0,
    stat: 'spike',
    expected: 0,
    half: 0,
    frozen: false,
  };
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
    this.options = Object.freeze({ ...DEFAULT_UNIVARIATE_OPTIONS, ...options });
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
    this.predict(t, x);
    this.judge(x);
    if (!this.st.frozen) this.learn(t, x);
    return this.finish();
  }

  /** Forecasts of every model for time t, before x is learned. */
  private predict(t: number, x: number): void {
    const o = this.options;
    const s = this.s;
    const st = this.st;
    st.t = t;
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
    const warm = o.seasonPeriodMs > 0 && t - s.firstT >= 2 * o.seasonPeriodMs && s.profile.countAt(t) >= 2;
    const season = warm ? s.profile.expected(t, 2) : 0;
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

  /** Each component's calibrated surprise; the largest one is kept with its explanation. */
  private judge(x: number): void {
    const s = this.s;
    const st = this.st;
    const zf = st.rf / st.sigmaF;
    st.best = 0;
    SUM.v = 0;
    SUM.k = 0;
    st.stat = 'spike';
    st.expected = st.fastPred;
    st.half = RANGE_Z * st.sigmaF;
    const learned = s.n > 20 && !st.gap;
    // Only a series that has shown variation can get stuck or calm down; a flat line
    // from the start is its own normal.
    const varies = s.fast.scale > 10 * st.floor;
    if (learned) {
      let pNov = Number.POSITIVE_INFINITY;
      if (NOV) {
        const S = Math.max(s.gs.mean * 1.25, st.floor);
        const lev = Number.isNaN(s.nlev.mean) ? x : s.nlev.mean + 0.5 * (x - s.nlev.mean);
        const vol = Number.isNaN(s.nvol.mean) ? 0 : s.nvol.mean + 0.1 * (Math.abs(x - s.lastX) - s.nvol.mean);
        FEAT[0] = (lev - s.gm.mean) / S;
        FEAT[1] = (NOVW * vol) / S;
        const dn = s.nov.distance(FEAT);
        pNov = s.calNov.update(Number.isFinite(dn) ? gaussSurprise(dn / NOVR) : 0);
      }
      const rawSpike = gaussSurprise(zf);
      let pSpike = s.calSpike.update(rawSpike);
      if (SCHED && this.options.seasonPeriodMs > 0 && st.typical > 0) {
        const P = this.options.seasonPeriodMs;
        const bin = Math.floor((((st.t % P) + P) % P) / (P / 24));
        const k = s.sched[bin] as number;
        const days = (st.t - s.firstT) / P;
        if (k >= SCHEDK && days >= 1) {
          const perBin = P / 24 / st.typical;
          const pSched = Math.min(1, k / (days * perBin));
          pSpike = Math.min(pSpike, -Math.log10(pSched) + SCHEDM);
        }
        if (rawSpike > SPIKE_UPPER && s.n > 20) s.sched[bin] = k + 1;
        if (st.t - s.schedT >= P) {
          for (let i = 0; i < 24; i++) s.sched[i] = (s.sched[i] as number) * SCHEDF;
          s.schedT = st.t;
        }
      }
      this.consider('spike', s.n > 200 ? Math.min(pSpike, pNov + GATE) : pSpike, st.fastPred, st.sigmaF);
      if (NOV && s.n > 200) this.consider('seasonal', pNov, st.fastPred, st.sigmaF);
      if (s.n > 100 && process.env.RANGE !== undefined) {
        const pRange = s.calRange.update(s.range.surprise(x));
        this.consider('spike', pRange, st.fastPred, st.sigmaF);
      }
      if (st.useSeason && s.n > 50) {
        const pSeason = s.calSeason.update(gaussSurprise(st.rs / st.sigmaS));
        this.consider('seasonal', pSeason, st.seasonalPred, st.sigmaS);
      }
      // CUSUM of the fast model's (near-white) residual: a level shift adds up over the
      // few points the smoother takes to follow it. Tail P(S > s) ≈ exp(−2k·s) for
      // Gaussian input (Siegmund 1985, §2.6), then calibrated like the others.
      s.cusum.push(clamp(zf, 4));
      const pShift = s.calShift.update(2 * s.cusum.k * s.cusum.statistic * LOG10E);
      if (s.n > 50) this.consider('shift', pShift, s.long.mean + st.season, st.sigmaF);
      // Drift: a short against a long average of the deseasonalised value, standardised
      // by that difference's own learned spread (which absorbs autocorrelation and trend).
      const dz = (st.dz =
        s.dStat.count > 1
          ? (s.short.mean - s.long.mean - s.dStat.mean) / Math.max(s.dStat.std, st.floor)
          : 0);
      const pDrift = s.calDrift.update(gaussSurprise(dz));
      if (s.n > 100) this.consider('drift', pDrift, s.long.mean + st.season, st.sigmaS);
      s.varRatio.pushWithAlpha(Math.min(zf * zf, 9), VAR_ALPHA);
      const ratio = s.varRatio.mean / CLIPPED_Z2_MEAN;
      const pVar = s.calVariance.update(varianceSurprise(ratio));
      if (s.n > 60 && varies) this.consider('variance', pVar, st.fastPred, st.sigmaF * Math.sqrt(ratio));
    }
    // Stuck: a run of identical values against the learned probability of a repeat.
    const repeat = x === s.lastX;
    const perRepeat = -Math.log10(Math.min(0.99, Math.max(0.02, s.repeat.mean)));
    // The longest run this series does: only longer runs count as stuck (sparse, on/off
    // series repeat 0 for long). A run that looked stuck raises it at most to twice itself,
    // so a stuck sensor is not learned as normal at once, while a series whose long runs
    // recur is soon taken as it is.
    if (!repeat && s.run > s.runMax) s.runMax = Math.min(s.run, 2 * s.runMax + 2 / perRepeat);
    s.runMax *= 1 - 1 / 20000;
    s.run = repeat ? s.run + 1 : 0;
    const beyond = Math.max(0, s.run - Math.floor(s.runMax));
    const pStuck = varies ? beyond * perRepeat : 0;
    if (pStuck <= 2) s.repeat.pushWithAlpha(repeat ? 1 : 0, 0.01);
    if (learned) this.consider('stuck', pStuck, x, 0);
    s.lastX = x;
    // A frozen sensor teaches nothing: learning its repeats would shrink every scale and
    // make the return to normal look like an anomaly.
    st.frozen = s.run >= 2 && pStuck > 2;
  }

  private consider(stat: UnivariateStatistic, surprise0: number, expected: number, sigma: number): void {
    const st = this.st;
    const surprise = surprise0 + (W[stat] ?? 0);
    if (surprise > 0) {
      SUM.v += surprise;
      SUM.k++;
    }
    if (!(surprise > st.best)) return;
    st.best = surprise;
    st.stat = stat;
    st.expected = expected;
    st.half = RANGE_Z * sigma;
  }

  /** Updates every model with x, each robustly (residuals clipped at a few σ). */
  private learn(t: number, x: number): void {
    const o = this.options;
    const s = this.s;
    const st = this.st;
    if (st.gap) {
      s.fast.rebase(x);
      s.cusum.reset();
      s.run = 0;
    } else s.fast.update(x, st.floor);
    if (s.cusum.statistic > s.cusum.h) s.cusum.reset();

    const clipped = st.seasonalPred + clamp(st.rs, 3 * st.sigmaS);
    const aSlow = alphaForInterval(st.dt, Math.max(o.seasonPeriodMs / 4, 30 * st.typical));
    s.slow.pushWithAlpha(clipped - st.season, Number.isNaN(s.slow.mean) ? 1 : aSlow);
    if (o.seasonPeriodMs > 0) {
      // Per-sample rate such that each bin forgets at SEASON_RATE per period.
      const binMs = o.seasonPeriodMs / o.seasonBins;
      const share = st.typical > 0 ? Math.min(1, st.typical / binMs) : 1;
      s.profile.update(t, clipped - st.slowPred, 1 - Math.pow(1 - SEASON_RATE, share));
    }
    if (o.weekBins > 0) {
      // The week learns what the daily profile leaves, at the same per-period rate.
      const share = st.typical > 0 ? Math.min(1, st.typical / (WEEK_MS / o.weekBins)) : 1;
      s.week.update(t, clipped - st.slowPred - st.daily, 1 - Math.pow(1 - SEASON_RATE, share));
    }
    s.range.learn(x, st.floor);
    if (NOV) {
      s.nov.learn(FEAT);
      s.gm.push(x);
      s.gs.push(Math.abs(x - s.gm.mean));
      s.nlev.pushWithAlpha(x, 0.5);
      s.nvol.pushWithAlpha(Number.isNaN(this.prevX) ? 0 : Math.abs(x - this.prevX), 0.1);
      this.prevX = x;
    }
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
    // Learn the difference's spread only while it looks normal: a drift must not widen it.
    // A difference that stays "abnormal" for long is the spread this series has (a model that
    // cannot follow its shape exactly): after DRIFT_HOLD_POINTS net rejections it is learned.
    const normal = s.dStat.count < 50 || Math.abs(d - s.dStat.mean) < 3 * s.dStat.std;
    s.rejects = normal ? Math.max(0, s.rejects - 1) : s.rejects + 1;
    if (normal || s.rejects > DRIFT_HOLD_POINTS) s.dStat.push(d);
  }

  /** Score, explanation and the episode state machine. */
  private finish(): UnivariateResult {
    const o = this.options;
    const s = this.s;
    const st = this.st;
    const r = this.out;
    // Bonferroni over the six components: the best of six p-values is not a p-value.
    const surprise0 = FISHER ? fisher(SUM.v, FK) : Math.max(0, st.best - BONFERRONI);
    const surprise = FINAL && s.n > 20 ? s.calFinal.update(surprise0) : surprise0;
    const score = s.n <= o.probationPoints ? 0 : 1 - Math.pow(2, -surprise / (o.surpriseAtOne / 2));
    r.surprise = surprise;
    r.statistic = st.stat;
    r.expected = st.expected;
    r.lower = st.expected - st.half;
    r.upper = st.expected + st.half;
    let escalate = false;
    if (!s.inEpisode) {
      if (score >= o.threshold) {
        s.inEpisode = true;
        s.episode++;
        s.quiet = 0;
        s.peak = surprise;
        r.alert = true;
      }
    } else {
      if (score < o.exitThreshold) {
        if (++s.quiet >= COOL) s.inEpisode = false;
      } else s.quiet = 0;
      // A point far more surprising than the one that opened the episode is news.
      escalate = score >= o.threshold && surprise > ESCALATE * s.peak;
      if (surprise > s.peak) s.peak = surprise;
    }
    // Inside an episode only the opening point carries the full score.
    r.score = s.inEpisode && !r.alert && !escalate ? Math.min(score, o.exitThreshold) : score;
    r.inEpisode = s.inEpisode;
    r.episode = s.episode;
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

/** Per-point intermediates, reused (not part of the state). */
interface Step {
  t: number;
  dt: number;
  typical: number;
  gap: boolean;
  floor: number;
  slowPred: number;
  useSeason: boolean;
  season: number;
  seasonalPred: number;
  /** The daily profile's expectation (whether or not it is used). */
  daily: number;
  rs: number;
  /** The drift statistic (standardised short − long difference). */
  dz: number;
  sigmaS: number;
  fastPred: number;
  sigmaF: number;
  rf: number;
  best: number;
  stat: UnivariateStatistic;
  expected: number;
  half: number;
  frozen: boolean;
}

/** −log10 of the two-sided Gaussian tail of z. */
function gaussSurprise(z: number): number {
  return -Math.log10(Math.max(2 * normalTail(Math.abs(z)), 1e-300));
}

/** Mean of min(Z², 9) for Z ~ N(0, 1): what the clipped variance statistic averages to. */
const CLIPPED_Z2_MEAN = 0.9707;

/** −log10 of the two-sided χ²_ν tail of a variance ratio (Wilson–Hilferty 1931). */
function varianceSurprise(ratio: number): number {
  const v = 2 / (9 * VAR_DOF);
  const z = (Math.cbrt(Math.max(ratio, 0)) - (1 - v)) / Math.sqrt(v);
  return -Math.log10(Math.max(2 * normalTail(Math.abs(z)), 1e-300));
}

function clamp(r: number, b: number): number {
  return r > b ? b : r < -b ? -b : r;
}

/** Mutable state of one detector; plain fields so snapshots are cheap. */
export interface DetectorCore {
  n: number;
  firstT: number;
  lastT: number;
  lastX: number;
  run: number;
  runMax: number;
  /** Points in a row the drift baseline has been held. */
  held: number;
  rejects: number;
  inEpisode: boolean;
  quiet: number;
  peak: number;
  episode: number;
  interval: P2Quantile;
  fast: RobustHolt;
  slow: Ewma;
  profile: SeasonalProfile;
  errSeason: Ewma;
  errNoSeason: Ewma;
  week: SeasonalProfile;
  errWeek: Ewma;
  seasonScale: Ewma;
  cusum: Cusum;
  varRatio: Ewma;
  repeat: Ewma;
  calSpike: TailCalibrator;
  calSeason: TailCalibrator;
  calVariance: TailCalibrator;
  calShift: TailCalibrator;
  calDrift: TailCalibrator;
  range: RangeTail;
  calRange: TailCalibrator;
  nov: NoveltyCodebook;
  calFinal: TailCalibrator;
  sched: Float64Array;
  schedT: number;
  calNov: TailCalibrator;
  gm: Ewma;
  gs: Ewma;
  nlev: Ewma;
  nvol: Ewma;
  short: Ewma;
  long: Ewma;
  dStat: Ewma;
}

export function newCore(o: Readonly<UnivariateOptions>): DetectorCore {
  return {
    n: 0,
    firstT: Number.NaN,
    lastT: Number.NaN,
    lastX: Number.NaN,
    run: 0,
    runMax: 0,
    held: 0,
    rejects: 0,
    inEpisode: false,
    quiet: 0,
    peak: 0,
    episode: 0,
    interval: new P2Quantile(0.5),
    fast: new RobustHolt(),
    slow: new Ewma(0.01),
    profile: new SeasonalProfile({
      periodMs: o.seasonPeriodMs > 0 ? o.seasonPeriodMs : 1,
      bins: o.seasonBins,
    }),
    errSeason: new Ewma(0.01),
    errNoSeason: new Ewma(0.01),
    week: newWeek(o),
    errWeek: new Ewma(0.01),
    seasonScale: new Ewma(0.02),
    cusum: new Cusum(0.5, 20),
    varRatio: new Ewma(VAR_ALPHA),
    repeat: new Ewma(0.01),
    calSpike: dc(new TailCalibrator().withUpper(SPIKE_UPPER, UPPER_MAX_EXCESS), 'spike'),
    calSeason: dc(new TailCalibrator().withUpper(SEASON_UPPER, UPPER_MAX_EXCESS), 'seasonal'),
    calVariance: dc(new TailCalibrator().withUpper(SEASON_UPPER, UPPER_MAX_EXCESS), 'variance'),
    calShift: dc(new TailCalibrator(), 'shift'),
    calDrift: dc(new TailCalibrator(2, 500, 1 / 5000, DRIFT_MAX_EXCESS), 'drift'),
    range: new RangeTail(),
    calRange: new TailCalibrator().withUpper(SEASON_UPPER, UPPER_MAX_EXCESS),
    nov: new NoveltyCodebook(NOVK, 2, NOVRAD),
    sched: new Float64Array(24),
    schedT: 0,
    calFinal: process.env.FINAL === 'u' ? new TailCalibrator(FU, 500, FF).withUpper(FU2, UPPER_MAX_EXCESS) : new TailCalibrator(FU, 500, FF),
    calNov: dc(new TailCalibrator().withUpper(SEASON_UPPER, UPPER_MAX_EXCESS), 'nov'),
    gm: new Ewma(0.001),
    gs: new Ewma(0.001),
    nlev: new Ewma(0.5),
    nvol: new Ewma(0.1),
    short: new Ewma(2 / 11),
    long: new Ewma(2 / (LONG_SPAN + 1)),
    dStat: new Ewma(DRIFT_SPREAD_ALPHA),
  };
}
