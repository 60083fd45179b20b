/**
 * The univariate detector's options, result and learned state (its models and their
 * calibrators), shared by the detector (univariate-detector.ts) and its snapshot and
 * restore (univariate-state.ts), so neither imports the other.
 */
import { Cusum } from './cusum.ts';
import { EpisodeGate } from './episode-gate.ts';
import { Ewma } from './ewma.ts';
import { Novelty } from './novelty.ts';
import { P2Quantile } from './p2-quantile.ts';
import { PhaseProfile } from './phase-profile.ts';
import { Recurrence } from './recurrence.ts';
import { RobustHolt } from './robust-holt.ts';
import { RunLength } from './run-length.ts';
import { TailCalibrator } from './tail-calibrator.ts';

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
  /**
   * Bins of the daily profile (24 = hourly bins, interpolated between their centres).
   * Finer bins learn more slowly and, on NAB, were no better overall (docs/univariate.md).
   */
  seasonBins: number;
  /**
   * Bins of the hour-of-week correction on top of the daily profile (42 = 4-hour bins);
   * 0 disables it. Used once two weeks are learned and it explains the series better.
   */
  weekBins: number;
  /** A gap longer than this many typical intervals restarts the short-term models. */
  gapFactor: number;
  /**
   * Surprise (−log10 p) that maps to score 0.75: score = 1 − 2^(−2·surprise/surpriseAtOne),
   * 0.5 at half of it, approaching 1 without reaching it so that the strongest anomalies
   * stay ordered (until version 4 the score was capped at 1 from this surprise on).
   */
  surpriseAtOne: number;
}

export const DEFAULT_UNIVARIATE_OPTIONS: Readonly<UnivariateOptions> = Object.freeze({
  probationPoints: 150,
  threshold: 0.5,
  exitThreshold: 0.3,
  cooldownPoints: 48,
  seasonPeriodMs: 86_400_000,
  seasonBins: 24,
  weekBins: 42,
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

/** Weight of the drift difference's spread (≈ 1,000 points: steadier than the 400-point baseline it judges). */
export const DRIFT_SPREAD_ALPHA = 0.002;
/** Cap on what one drift surprise teaches its calibrator (at 3 one drift discounted the next). */
export const DRIFT_MAX_EXCESS = 2;
/**
 * Upper (power-law) calibration levels (tail-calibrator.ts) of the components that fire
 * on single points, and the cap on their log excesses: heavy-tailed series (latency,
 * counts, bytes) have harmless outliers whose surprises span orders of magnitude.
 */
export const SPIKE_UPPER = 8;
export const SEASON_UPPER = 6;
export const UPPER_MAX_LOG_EXCESS = 7;
/** Weight of the variance component's short window (≈ 2/α − 1 = 39 points of dof). */
export const VAR_ALPHA = 0.05;
/** Span in points of the drift component's long baseline. */
export const LONG_SPAN = 400;
export const WEEK_MS = 7 * 86_400_000;
/** Monday 00:00 UTC as the start of the week (1970-01-01 was a Thursday). */
const MONDAY_OFFSET_MS = -4 * 86_400_000;

/** Mutable state of one detector; plain fields so snapshots are cheap. */
export interface DetectorCore {
  n: number;
  firstT: number;
  lastT: number;
  lastX: number;
  /** Points in a row the drift baseline has been held. */
  held: number;
  /** Net points the drift spread has refused to learn (see univariate-detector.ts). */
  rejects: number;
  episodes: EpisodeGate;
  interval: P2Quantile;
  fast: RobustHolt;
  slow: Ewma;
  /** Null without a seasonal period. */
  profile: PhaseProfile | null;
  errSeason: Ewma;
  errNoSeason: Ewma;
  week: PhaseProfile;
  errWeek: Ewma;
  seasonScale: Ewma;
  cusum: Cusum;
  varRatio: Ewma;
  stuck: RunLength;
  novelty: Novelty;
  /** Null without a seasonal period. */
  recurrence: Recurrence | null;
  calSpike: TailCalibrator;
  calSeason: TailCalibrator;
  calVariance: TailCalibrator;
  calShift: TailCalibrator;
  calDrift: TailCalibrator;
  calNovelty: TailCalibrator;
  short: Ewma;
  long: Ewma;
  dStat: Ewma;
}

/** The hour-of-week correction profile. */
export function newWeek(o: Readonly<UnivariateOptions>): PhaseProfile {
  return new PhaseProfile(WEEK_MS, Math.max(1, o.weekBins), MONDAY_OFFSET_MS);
}

/** A calibrator of a single-point statistic (spike, seasonal, novelty). */
export function pointCalibrator(upper: number): TailCalibrator {
  return new TailCalibrator(2, 500, 1 / 5000, 3, 'peak').withUpper(upper, UPPER_MAX_LOG_EXCESS);
}

export function newCore(o: Readonly<UnivariateOptions>): DetectorCore {
  return {
    n: 0,
    firstT: Number.NaN,
    lastT: Number.NaN,
    lastX: Number.NaN,
    held: 0,
    rejects: 0,
    episodes: new EpisodeGate(),
    interval: new P2Quantile(0.5),
    fast: new RobustHolt(),
    slow: new Ewma(0.01),
    profile: o.seasonPeriodMs > 0 ? new PhaseProfile(o.seasonPeriodMs, o.seasonBins) : null,
    errSeason: new Ewma(0.01),
    errNoSeason: new Ewma(0.01),
    week: newWeek(o),
    errWeek: new Ewma(0.01),
    seasonScale: new Ewma(0.02),
    cusum: new Cusum(0.5, 20),
    varRatio: new Ewma(VAR_ALPHA),
    stuck: new RunLength(),
    novelty: new Novelty(),
    recurrence: o.seasonPeriodMs > 0 ? new Recurrence(o.seasonPeriodMs) : null,
    calSpike: pointCalibrator(SPIKE_UPPER),
    calSeason: pointCalibrator(SEASON_UPPER),
    // Smoothed statistics: their runs are long and their onset is what gets scored.
    calVariance: new TailCalibrator(2, 500, 1 / 5000, 3, 'all').withUpper(SEASON_UPPER, UPPER_MAX_LOG_EXCESS),
    calShift: new TailCalibrator(2, 500, 1 / 5000, 3, 'all'),
    calDrift: new TailCalibrator(2, 500, 1 / 5000, DRIFT_MAX_EXCESS, 'all'),
    calNovelty: pointCalibrator(SEASON_UPPER),
    short: new Ewma(2 / 11),
    long: new Ewma(2 / (LONG_SPAN + 1)),
    dStat: new Ewma(DRIFT_SPREAD_ALPHA),
  };
}
