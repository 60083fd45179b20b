/**
 * Per-point intermediates of the univariate detector (reused, not part of its state) and
 * the tail functions that turn its statistics into surprises (−log10 p).
 */
import { normalTail } from './normal.ts';
import { VAR_ALPHA, type UnivariateStatistic } from './univariate-core.ts';

const VAR_DOF = 2 / VAR_ALPHA - 1;

/** Per-point intermediates, reused (not part of the state). */
export interface Step {
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
  /** The fast model's standardised residual. */
  zf: number;
  /** The series has shown variation (see `judge`). */
  varies: boolean;
  best: number;
  stat: UnivariateStatistic;
  expected: number;
  half: number;
  frozen: boolean;
  /** Learning rates and the intervals they were computed for. */
  ratesTypical: number;
  slowDt: number;
  slowRate: number;
  dayRate: number;
  weekRate: number;
}

export function newStep(): Step {
  return {
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
    zf: 0,
    varies: false,
    best: 0,
    stat: 'spike',
    expected: 0,
    half: 0,
    frozen: false,
    ratesTypical: Number.NaN,
    slowDt: Number.NaN,
    slowRate: 0,
    dayRate: 0,
    weekRate: 0,
  };
}

/**
 * |z| under which a surprise is taken as 0: it is under 0.5, and no surprise under the
 * Bonferroni term (0.85) can give a score; skipping the tail function there saves most
 * of its calls (most points are ordinary).
 */
const ORDINARY_Z = 1;

/** −log10 of the two-sided Gaussian tail of z (0 for an ordinary |z| < 1). */
export function gaussSurprise(z: number): number {
  const a = Math.abs(z);
  return a < ORDINARY_Z ? 0 : -Math.log10(Math.max(2 * normalTail(a), 1e-300));
}

/** Mean of min(Z², 9) for Z ~ N(0, 1): what the clipped variance statistic averages to. */
export const CLIPPED_Z2_MEAN = 0.9707;
const WH_V = 2 / (9 * VAR_DOF);
const WH_SD = Math.sqrt(WH_V);

/** −log10 of the two-sided χ²_ν tail of a variance ratio (Wilson–Hilferty 1931). */
export function varianceSurprise(ratio: number): number {
  return gaussSurprise((Math.cbrt(Math.max(ratio, 0)) - (1 - WH_V)) / WH_SD);
}

export function clamp(r: number, b: number): number {
  return r > b ? b : r < -b ? -b : r;
}
