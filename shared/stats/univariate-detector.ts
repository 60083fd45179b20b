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
 *    level alone — a value that is normal at noon but not at 3 a.m.;
 *  - shift: two-sided CUSUM (cusum.ts) of the seasonal residual — level shifts, drifts,
 *    changes in the shape of the daily curve. On an alarm the level moves by the CUSUM's
 *    own estimate of the shift, so the new level becomes the normal;
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
import { RobustHolt } from './robust-holt.ts';
import { SeasonalProfile } from './seasonal-profile.ts';
import { snapshotDetector, restoreDetector, type UnivariateState } from './univariate-state.ts';

export type UnivariateStatistic = 'spike' | 'seasonal' | 'shift' | 'variance' | 'stuck';

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
  /** A gap longer than this many typical intervals restarts the short-term models. */
  gapFactor: number;
  /** Surprise (−log10 p) that maps to score 1. */
  surpriseAtOne: number;
}

export const DEFAULT_UNIVARIATE_OPTIONS: Readonly<UnivariateOptions> = Object.freeze({
  probationPoints: 150,
  threshold: 0.5,
  exitThreshold: 0.3,
  cooldownPoints: 12,
  seasonPeriodMs: 86_400_000,
  seasonBins: 24,
  gapFactor: 10,
  surpriseAtOne: 12,
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

export class UnivariateDetector {
  readonly options: Readonly<UnivariateOptions>;
  /** @internal state, exposed to univariate-state.ts for snapshots. */
  s: DetectorCore;
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
    const o = this.options;
    const s = this.s;
    const r = this.out;
    r.alert = false;
    r.observed = x;
    if (!Number.isFinite(x) || !Number.isFinite(t)) {
      r.score = 0;
      r.surprise = 0;
      return r;
    }
    s.n++;
    let dt = Number.isNaN(s.lastT) ? 0 : t - s.lastT;
    if (dt > 0) s.interval.push(dt);
    const typical = s.interval.size > 0 ? s.interval.value : 0;
    if (!(dt > 0)) dt = typical;
    s.lastT = Number.isNaN(s.lastT) ? t : Math.max(s.lastT, t);
    const gap = s.n > 2 && typical > 0 && dt > o.gapFactor * typical;

    // --- slow level and seasonal profile ---------------------------------------------
    const seasonOn = o.seasonPeriodMs > 0;
    const warm = seasonOn && t - s.firstT >= 2 * o.seasonPeriodMs && s.profile.countAt(t) >= 2;
    const season = warm ? s.profile.expected(t, 2) : 0;
    const slowPred = Number.isNaN(s.slow.mean) ? x : s.slow.mean;
    const rNoSeason = x - slowPred;
    const rSeason = x - slowPred - season;
    s.errNoSeason.push(rNoSeason * rNoSeason);
    s.errSeason.push(rSeason * rSeason);
    const useSeason = warm && s.errSeason.mean < 0.7 * s.errNoSeason.mean;
    const seasonalPred = slowPred + (useSeason ? season : 0);
    const rs = x - seasonalPred;
    const floor = scaleFloor(x);
    const sigmaS = Math.max(s.seasonScale.count > 0 ? s.seasonScale.mean * 1.2533 : 0, floor);
    const zs = rs / sigmaS;

    // --- fast robust smoother -----------------------------------------------------------
    const fastPred = s.fast.forecast;
    const sigmaF = Math.max(s.fast.scale, floor);
    const rf = Number.isNaN(fastPred) ? 0 : x - fastPred;
    const zf = rf / sigmaF;

    // --- component surprises -------------------------------------------------------------
    let best = 0;
    let stat: UnivariateStatistic = 'spike';
    let exp = fastPred;
    let half = RANGE_Z * sigmaF;
    const learned = s.n > 20 && !gap;
    if (learned) {
      const pSpike = -Math.log10(Math.max(2 * normalTail(Math.abs(zf)), 1e-300));
      best = pSpike;
      if (useSeason && s.n > 50) {
        const pSeason = -Math.log10(Math.max(2 * normalTail(Math.abs(zs)), 1e-300));
        if (pSeason > best) {
          best = pSeason;
          stat = 'seasonal';
          exp = seasonalPred;
          half = RANGE_Z * sigmaS;
        }
      }
      // CUSUM tail: P(S > s) ≈ exp(−2k·s) for Gaussian input (Siegmund 1985, §2.6).
      const zc = zs > 4 ? 4 : zs < -4 ? -4 : zs;
      s.cusum.push(zc);
      const pShift = 2 * s.cusum.k * s.cusum.statistic * LOG10E;
      if (pShift > best && s.n > 50) {
        best = pShift;
        stat = 'shift';
        exp = seasonalPred;
        half = RANGE_Z * sigmaS;
      }
      const zf2 = Math.min(zf * zf, 9);
      s.varRatio.pushWithAlpha(zf2, VAR_ALPHA);
      const pVar = varianceSurprise(s.varRatio.mean / CLIPPED_Z2_MEAN);
      if (pVar > best && s.n > 60) {
        best = pVar;
        stat = 'variance';
        exp = fastPred;
        half = RANGE_Z * sigmaF * Math.sqrt(s.varRatio.mean / CLIPPED_Z2_MEAN);
      }
    }

    // stuck: a run of identical values against the learned repeat probability
    const repeat = x === s.lastX;
    s.run = repeat ? s.run + 1 : 0;
    if (s.run < 3) s.repeat.pushWithAlpha(repeat ? 1 : 0, 0.01);
    const pRep = Math.min(0.95, Math.max(0.02, s.repeat.mean));
    const pStuck = -s.run * Math.log10(pRep);
    if (learned && pStuck > best) {
      best = pStuck;
      stat = 'stuck';
      exp = x;
      half = 0;
    }
    s.lastX = x;

    // --- learn -----------------------------------------------------------------------------
    if (gap) {
      s.fast.rebase(x);
      s.cusum.reset();
      s.run = 0;
    } else {
      s.fast.update(x, floor);
    }
    const clipped = seasonalPred + clamp(rs, 3 * sigmaS);
    const aSlow = alphaForInterval(dt, Math.max(o.seasonPeriodMs / 4, 30 * typical));
    s.slow.pushWithAlpha(clipped - (useSeason ? season : 0), Number.isNaN(s.slow.mean) ? 1 : aSlow);
    if (seasonOn) {
      const binMs = o.seasonPeriodMs / o.seasonBins;
      const a = typical > 0 ? 1 - Math.pow(1 - SEASON_RATE, Math.min(1, typical / binMs)) : SEASON_RATE;
      s.profile.update(t, clipped - slowPred, a);
    }
    s.seasonScale.pushWithAlpha(s.n < 10 ? Math.abs(rs) : Math.min(Math.abs(rs), 3 * sigmaS), 0.02);
    if (stat === 'shift' && s.cusum.statistic > 8) {
      // The shift is real: move the level by the CUSUM's estimate and start afresh.
      s.slow.shift(s.cusum.shiftEstimate * sigmaS);
      s.cusum.reset();
    }

    // --- score and episode -------------------------------------------------------------------
    const surprise = Math.max(0, best - LOG10E * Math.log(5)); // Bonferroni over 5 components
    let score = Math.min(1, surprise / o.surpriseAtOne);
    if (s.n <= o.probationPoints) score = 0;
    r.surprise = surprise;
    r.statistic = stat;
    r.expected = exp;
    r.lower = exp - half;
    r.upper = exp + half;
    if (!s.inEpisode) {
      if (score >= o.threshold) {
        s.inEpisode = true;
        s.episode++;
        s.quiet = 0;
        r.alert = true;
      }
    } else if (score < o.exitThreshold) {
      if (++s.quiet >= o.cooldownPoints) s.inEpisode = false;
    } else s.quiet = 0;
    // Inside an episode only the opening point carries the full score.
    r.score = s.inEpisode && !r.alert ? Math.min(score, o.exitThreshold) : score;
    r.inEpisode = s.inEpisode;
    r.episode = s.episode;
    if (s.n === 1) s.firstT = t;
    return r;
  }

  snapshot(): UnivariateState {
    return snapshotDetector(this.options, this.s);
  }

  static restore(state: UnivariateState): UnivariateDetector {
    const d = new UnivariateDetector(state.options);
    d.s = restoreDetector(state);
    return d;
  }
}

/** Mean of min(Z², 9) for Z ~ N(0, 1): what the clipped variance statistic averages to. */
const CLIPPED_Z2_MEAN = 0.9707;

/** −log10 of the two-sided χ²_ν tail of a variance ratio (Wilson–Hilferty 1931). */
function varianceSurprise(ratio: number): number {
  const v = 2 / (9 * VAR_DOF);
  const z = (Math.cbrt(Math.max(ratio, 0)) - (1 - v)) / Math.sqrt(v);
  return -Math.log10(Math.max(2 * normalTail(Math.abs(z)), 1e-300));
}

/** A flat series has zero spread; never divide by less than a hair of its magnitude. */
function scaleFloor(x: number): number {
  return Math.max(1e-9, 1e-6 * Math.abs(x));
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
  inEpisode: boolean;
  quiet: number;
  episode: number;
  interval: P2Quantile;
  fast: RobustHolt;
  slow: Ewma;
  profile: SeasonalProfile;
  errSeason: Ewma;
  errNoSeason: Ewma;
  seasonScale: Ewma;
  cusum: Cusum;
  varRatio: Ewma;
  repeat: Ewma;
}

export function newCore(o: Readonly<UnivariateOptions>): DetectorCore {
  return {
    n: 0,
    firstT: Number.NaN,
    lastT: Number.NaN,
    lastX: Number.NaN,
    run: 0,
    inEpisode: false,
    quiet: 0,
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
    seasonScale: new Ewma(0.02),
    cusum: new Cusum(0.5, 12),
    varRatio: new Ewma(VAR_ALPHA),
    repeat: new Ewma(0.01),
  };
}
