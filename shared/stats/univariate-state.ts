/**
 * Snapshot and restore of the univariate detector: every component's own versioned
 * state, gathered into one plain JSON object.
 */
import { Cusum, type CusumState } from './cusum.ts';
import { Ewma, type EwmaState } from './ewma.ts';
import { P2Quantile, type P2QuantileState } from './p2-quantile.ts';
import { RangeTail } from './range-tail.ts';
import { RobustHolt, type RobustHoltState } from './robust-holt.ts';
import { SeasonalProfile, type SeasonalProfileState } from './seasonal-profile.ts';
import { TailCalibrator, type TailCalibratorState } from './tail-calibrator.ts';
import { checkVersion } from './ring-buffer.ts';
import {
  DRIFT_MAX_EXCESS,
  DRIFT_SPREAD_ALPHA,
  SEASON_UPPER,
  SPIKE_UPPER,
  UPPER_MAX_EXCESS,
} from './univariate-calibration.ts';
import type { DetectorCore, UnivariateOptions } from './univariate-detector.ts';

/**
 * Version 2 added the hour-of-week correction (`week`, `errWeek`, `options.weekBins`); a
 * version-1 state restores with that correction still to learn. Version 3 added the upper
 * calibration level of the spike and seasonal components (their calibrators' state
 * version 2), a lower cap on the drift calibrator's excesses and a slower drift spread; an
 * older state restores with the upper levels still to learn and the new drift rates.
 */
export interface UnivariateState {
  v: 1 | 2 | 3;
  options: UnivariateOptions;
  /** n, firstT, lastT, lastX, run, inEpisode (0/1), quiet, episode, held (v2); NaN as null. */
  scalars: (number | null)[];
  interval: P2QuantileState;
  fast: RobustHoltState;
  slow: EwmaState;
  profile: SeasonalProfileState;
  errSeason: EwmaState;
  errNoSeason: EwmaState;
  /** Absent in version 1. */
  week?: SeasonalProfileState;
  errWeek?: EwmaState;
  seasonScale: EwmaState;
  cusum: CusumState;
  varRatio: EwmaState;
  repeat: EwmaState;
  calSpike: TailCalibratorState;
  calSeason: TailCalibratorState;
  calVariance: TailCalibratorState;
  calShift: TailCalibratorState;
  calDrift: TailCalibratorState;
  short: EwmaState;
  long: EwmaState;
  dStat: EwmaState;
}

export const WEEK_MS = 7 * 86_400_000;
/** Monday 00:00 UTC as the start of the week (1970-01-01 was a Thursday). */
const MONDAY_OFFSET_MS = -4 * 86_400_000;

/** The hour-of-week correction profile (one per detector). */
export function newWeek(o: Readonly<UnivariateOptions>): SeasonalProfile {
  return new SeasonalProfile({
    periodMs: WEEK_MS,
    bins: Math.max(1, o.weekBins),
    offsetMs: MONDAY_OFFSET_MS,
  });
}

const nan = (x: number): number | null => (Number.isNaN(x) ? null : x);
const num = (x: number | null | undefined): number => (x === null || x === undefined ? Number.NaN : x);

export function snapshotDetector(options: Readonly<UnivariateOptions>, c: DetectorCore): UnivariateState {
  return {
    v: 3,
    options: { ...options },
    scalars: [c.n, c.firstT, c.lastT, c.lastX, c.run, c.inEpisode ? 1 : 0, c.quiet, c.episode, c.held].map(
      nan,
    ),
    interval: c.interval.snapshot(),
    fast: c.fast.snapshot(),
    slow: c.slow.snapshot(),
    profile: c.profile.snapshot(),
    errSeason: c.errSeason.snapshot(),
    errNoSeason: c.errNoSeason.snapshot(),
    week: c.week.snapshot(),
    errWeek: c.errWeek.snapshot(),
    seasonScale: c.seasonScale.snapshot(),
    cusum: c.cusum.snapshot(),
    varRatio: c.varRatio.snapshot(),
    repeat: c.repeat.snapshot(),
    calSpike: c.calSpike.snapshot(),
    calSeason: c.calSeason.snapshot(),
    calVariance: c.calVariance.snapshot(),
    calShift: c.calShift.snapshot(),
    calDrift: c.calDrift.snapshot(),
    short: c.short.snapshot(),
    long: c.long.snapshot(),
    dStat: c.dStat.snapshot(),
  };
}

export function restoreDetector(s: UnivariateState, options: Readonly<UnivariateOptions>): DetectorCore {
  checkVersion(s.v, 'UnivariateDetector', 3);
  if (s.v >= 2 && (s.week === undefined || s.errWeek === undefined)) {
    throw new TypeError(`UnivariateDetector state version ${s.v} without its week profile`);
  }
  const old = s.v < 3;
  const [n, firstT, lastT, lastX, run, inEpisode, quiet, episode, held] = s.scalars.map(num);
  return {
    n: num(n),
    firstT: num(firstT),
    lastT: num(lastT),
    lastX: num(lastX),
    run: num(run),
    runMax: 0,
    held: Number.isNaN(num(held)) ? 0 : num(held),
    inEpisode: inEpisode === 1,
    quiet: num(quiet),
    rejects: 0,
    episode: num(episode),
    interval: P2Quantile.restore(s.interval),
    fast: RobustHolt.restore(s.fast),
    slow: Ewma.restore(s.slow),
    profile: SeasonalProfile.restore(s.profile),
    errSeason: Ewma.restore(s.errSeason),
    errNoSeason: Ewma.restore(s.errNoSeason),
    week: s.week === undefined ? newWeek(options) : SeasonalProfile.restore(s.week),
    errWeek: s.errWeek === undefined ? new Ewma(0.01) : Ewma.restore(s.errWeek),
    seasonScale: Ewma.restore(s.seasonScale),
    cusum: Cusum.restore(s.cusum),
    varRatio: Ewma.restore(s.varRatio),
    repeat: Ewma.restore(s.repeat),
    calSpike: restoreCalibrator(s.calSpike, old ? SPIKE_UPPER : undefined),
    calSeason: restoreCalibrator(s.calSeason, old ? SEASON_UPPER : undefined),
    calVariance: TailCalibrator.restore(s.calVariance),
    calShift: TailCalibrator.restore(s.calShift),
    calDrift: TailCalibrator.restore(old ? { ...s.calDrift, maxExcess: DRIFT_MAX_EXCESS } : s.calDrift),
    range: new RangeTail(),
    calRange: new TailCalibrator().withUpper(SEASON_UPPER, UPPER_MAX_EXCESS),
    short: Ewma.restore(s.short),
    long: Ewma.restore(s.long),
    dStat: Ewma.restore(old ? { ...s.dStat, alpha: DRIFT_SPREAD_ALPHA } : s.dStat),
  };
}

/** A calibrator from its state; `upper` adds the upper level an older state lacks. */
function restoreCalibrator(s: TailCalibratorState, upper: number | undefined): TailCalibrator {
  const c = TailCalibrator.restore(s);
  return upper === undefined ? c : c.withUpper(upper, UPPER_MAX_EXCESS);
}
