/**
 * Snapshot and restore of the univariate detector: every component's own versioned
 * state, gathered into one plain JSON object. Restores versions 1 to 4; an older state
 * keeps what it learned and starts what it lacks from scratch.
 */
import { Cusum, type CusumState } from './cusum.ts';
import { EpisodeGate } from './episode-gate.ts';
import { Ewma, type EwmaState } from './ewma.ts';
import { Novelty, type NoveltyState } from './novelty.ts';
import { P2Quantile, type P2QuantileState } from './p2-quantile.ts';
import { PhaseProfile, type PhaseProfileState } from './phase-profile.ts';
import { Recurrence, type RecurrenceState } from './recurrence.ts';
import { checkVersion } from './ring-buffer.ts';
import { RobustHolt, type RobustHoltState } from './robust-holt.ts';
import { RunLength, type RunLengthState } from './run-length.ts';
import type { SeasonalProfileState } from './seasonal-profile.ts';
import {
  TailCalibrator,
  type ExcessFrom,
  type TailCalibratorState,
  type TailCalibratorStateV2,
} from './tail-calibrator.ts';
import {
  DRIFT_MAX_EXCESS,
  DRIFT_SPREAD_ALPHA,
  newWeek,
  pointCalibrator,
  SEASON_UPPER,
  SPIKE_UPPER,
  UPPER_MAX_LOG_EXCESS,
  type DetectorCore,
  type UnivariateOptions,
} from './univariate-core.ts';

/**
 * Version 2 added the hour-of-week correction, version 3 the upper calibration levels.
 * Version 4: packed profiles (phase-profile.ts), runs-declustered calibrators with power-law upper levels, the
 * run-length stuck test (`stuck` replaces `repeat` and the run scalar), the novelty and
 * recurrence components, and the `rejects` and `peak` scalars.
 */
export interface UnivariateState {
  v: 1 | 2 | 3 | 4;
  options: UnivariateOptions;
  /**
   * n, firstT, lastT, lastX, run (before v4; 0 after), inEpisode (0/1), quiet, episode,
   * held (v2+), rejects and peak (v4); NaN as null.
   */
  scalars: (number | null)[];
  interval: P2QuantileState;
  fast: RobustHoltState;
  slow: EwmaState;
  /** SeasonalProfileState before version 4. */
  profile: PhaseProfileState | SeasonalProfileState | null;
  errSeason: EwmaState;
  errNoSeason: EwmaState;
  /** Absent in version 1; SeasonalProfileState before version 4. */
  week?: PhaseProfileState | SeasonalProfileState;
  errWeek?: EwmaState;
  seasonScale: EwmaState;
  cusum: CusumState;
  varRatio: EwmaState;
  /** Before version 4. */
  repeat?: EwmaState;
  /** Version 4. */
  stuck?: RunLengthState;
  novelty?: NoveltyState;
  recurrence?: RecurrenceState | null;
  calNovelty?: TailCalibratorState;
  calSpike: TailCalibratorState;
  calSeason: TailCalibratorState;
  calVariance: TailCalibratorState;
  calShift: TailCalibratorState;
  calDrift: TailCalibratorState;
  short: EwmaState;
  long: EwmaState;
  dStat: EwmaState;
}

const nan = (x: number): number | null => (Number.isNaN(x) ? null : x);
const num = (x: number | null | undefined): number => (x === null || x === undefined ? Number.NaN : x);

export function snapshotDetector(options: Readonly<UnivariateOptions>, c: DetectorCore): UnivariateState {
  const e = c.episodes;
  const flags = [e.inEpisode ? 1 : 0, e.quiet, e.episode, c.held, c.rejects, e.peak];
  return {
    v: 4,
    options: { ...options },
    scalars: [c.n, c.firstT, c.lastT, c.lastX, 0, ...flags].map(nan),
    interval: c.interval.snapshot(),
    fast: c.fast.snapshot(),
    slow: c.slow.snapshot(),
    profile: c.profile === null ? null : c.profile.snapshot(),
    errSeason: c.errSeason.snapshot(),
    errNoSeason: c.errNoSeason.snapshot(),
    week: c.week.snapshot(),
    errWeek: c.errWeek.snapshot(),
    seasonScale: c.seasonScale.snapshot(),
    cusum: c.cusum.snapshot(),
    varRatio: c.varRatio.snapshot(),
    stuck: c.stuck.snapshot(),
    novelty: c.novelty.snapshot(),
    recurrence: c.recurrence === null ? null : c.recurrence.snapshot(),
    calNovelty: c.calNovelty.snapshot(),
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
  checkVersion(s.v, 'UnivariateDetector', 4);
  if (s.v >= 2 && (s.week === undefined || s.errWeek === undefined)) {
    throw new TypeError(`UnivariateDetector state version ${s.v} without its week profile`);
  }
  if (s.v === 4 && (s.stuck === undefined || s.novelty === undefined || s.calNovelty === undefined)) {
    throw new TypeError('UnivariateDetector state version 4 without its stuck or novelty state');
  }
  const [n, firstT, lastT, lastX, run, inEpisode, quiet, episode, held, rejects, peak] = s.scalars.map(num);
  const orZero = (x: number | undefined): number => (x === undefined || Number.isNaN(x) ? 0 : x);
  return {
    n: num(n),
    firstT: num(firstT),
    lastT: num(lastT),
    lastX: num(lastX),
    held: orZero(held),
    rejects: orZero(rejects),
    episodes: EpisodeGate.restore({
      inEpisode: inEpisode === 1,
      quiet: num(quiet),
      episode: num(episode),
      peak: orZero(peak),
    }),
    interval: P2Quantile.restore(s.interval),
    fast: RobustHolt.restore(s.fast),
    slow: Ewma.restore(s.slow),
    profile: s.profile === null ? null : profileOf(s.v, s.profile),
    errSeason: Ewma.restore(s.errSeason),
    errNoSeason: Ewma.restore(s.errNoSeason),
    week: s.week === undefined ? newWeek(options) : profileOf(s.v, s.week),
    errWeek: s.errWeek === undefined ? new Ewma(0.01) : Ewma.restore(s.errWeek),
    seasonScale: Ewma.restore(s.seasonScale),
    cusum: Cusum.restore(s.cusum),
    varRatio: Ewma.restore(s.varRatio),
    stuck: s.stuck !== undefined ? RunLength.restore(s.stuck) : RunLength.fromOld(orZero(run), oldRepeat(s)),
    novelty: s.novelty !== undefined ? Novelty.restore(s.novelty) : new Novelty(),
    recurrence: recurrenceOf(s, options),
    calNovelty:
      s.calNovelty !== undefined ? TailCalibrator.restore(s.calNovelty) : pointCalibrator(SEASON_UPPER),
    ...calibratorsOf(s),
    short: Ewma.restore(s.short),
    long: Ewma.restore(s.long),
    dStat: Ewma.restore(s.v < 3 ? { ...s.dStat, alpha: DRIFT_SPREAD_ALPHA } : s.dStat),
  };
}

function profileOf(v: number, p: PhaseProfileState | SeasonalProfileState): PhaseProfile {
  return v === 4
    ? PhaseProfile.restore(p as PhaseProfileState)
    : PhaseProfile.fromSeasonal(p as SeasonalProfileState);
}

function oldRepeat(s: UnivariateState): EwmaState {
  if (s.repeat === undefined)
    throw new TypeError(`UnivariateDetector state version ${s.v} without its repeat rate`);
  return s.repeat;
}

function recurrenceOf(s: UnivariateState, o: Readonly<UnivariateOptions>): Recurrence | null {
  if (s.recurrence !== undefined && s.recurrence !== null) return Recurrence.restore(s.recurrence);
  return s.v < 4 && o.seasonPeriodMs > 0 ? new Recurrence(o.seasonPeriodMs) : null;
}

type Calibrators = Pick<DetectorCore, 'calSpike' | 'calSeason' | 'calVariance' | 'calShift' | 'calDrift'>;

/**
 * Older calibrators counted every exceeding point and fitted their upper levels as
 * exponentials: they restore with each exceedance as its own run, the smoothed statistics
 * with their excesses taken from every point, and the upper levels they lacked added.
 */
function calibratorsOf(s: UnivariateState): Calibrators {
  if (s.v === 4) {
    return {
      calSpike: TailCalibrator.restore(s.calSpike),
      calSeason: TailCalibrator.restore(s.calSeason),
      calVariance: TailCalibrator.restore(s.calVariance),
      calShift: TailCalibrator.restore(s.calShift),
      calDrift: TailCalibrator.restore(s.calDrift),
    };
  }
  // Before version 4 every calibrator state was of version 1 or 2.
  const old = (c: TailCalibratorState): TailCalibratorStateV2 => c as TailCalibratorStateV2;
  const upper = (c: TailCalibratorState, u2: number, from: ExcessFrom): TailCalibrator => {
    const r = TailCalibrator.restore(c, from);
    return typeof old(c).u2 === 'number' ? r : r.withUpper(u2, UPPER_MAX_LOG_EXCESS);
  };
  const drift = s.v < 3 ? { ...old(s.calDrift), maxExcess: DRIFT_MAX_EXCESS } : s.calDrift;
  return {
    calSpike: upper(s.calSpike, SPIKE_UPPER, 'peak'),
    calSeason: upper(s.calSeason, SEASON_UPPER, 'peak'),
    calVariance: upper(s.calVariance, SEASON_UPPER, 'all'),
    calShift: TailCalibrator.restore(s.calShift, 'all'),
    calDrift: TailCalibrator.restore(drift, 'all'),
  };
}
