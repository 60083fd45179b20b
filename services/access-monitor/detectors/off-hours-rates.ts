/**
 * access.off_hours' rate model: hour-of-week arithmetic, and the expected events in an
 * hour-of-week bin — the bin's own count over its exposure, shrunk towards the principal's
 * hour of day (±1 h kernel), itself shrunk towards the role's hour-of-day shape — with the
 * negative binomial predictive's parameters.
 */
import { DAY_MS, HOUR_MS } from '../access-common.ts';
import type { OffHoursConfig } from './off-hours-config.ts';
import { BINS, SCALE, type Profile } from './off-hours-state.ts';

/** 1970-01-01 was a Thursday: hour-of-week 0 is Monday 00:00 UTC. */
const MONDAY_OFFSET_MS = 4 * DAY_MS;

export const hourOfWeek = (hour: number): number =>
  (((hour - MONDAY_OFFSET_MS / HOUR_MS) % BINS) + BINS) % BINS;

/** Times bin b passed in hours [fromHour, toHour); `fromBin` is hourOfWeek(fromHour). */
function occurrences(b: number, fromHour: number, fromBin: number, toHour: number): number {
  if (toHour <= fromHour) return 0;
  const first = fromHour + ((b - fromBin + BINS) % BINS);
  return first >= toHour ? 0 : Math.floor((toHour - 1 - first) / BINS) + 1;
}

/** The ±1 h kernel over hours of day. */
function smooth(arr: Float64Array, h: number): number {
  return (
    0.25 * (arr[(h + 23) % 24] as number) + 0.5 * (arr[h] as number) + 0.25 * (arr[(h + 1) % 24] as number)
  );
}

/** λ (expected events in the bin), the negative binomial predictive's shape and rate, the busiest hour-of-day rate. */
export interface Rates {
  lambda: number;
  shape: number;
  beta: number;
  busiest: number;
}

/** Working arrays of `expectedRates` (hour-of-day sums), reused: every call fills them first. */
export interface RateScratch {
  nH: Float64Array;
  eH: Float64Array;
  rH: Float64Array;
  lambdaH: Float64Array;
  evidenceH: Float64Array;
}

/** Expected events in the current hour-of-week bin and the predictive's parameters. */
export function expectedRates(
  c: OffHoursConfig,
  scratch: RateScratch,
  p: Profile,
  role: Float64Array | undefined,
  hour: number,
): Rates | null {
  const from = p.m[0] as number;
  const exposureHours = hour - from;
  if (exposureHours < 24) return null;
  const fromBin = hourOfWeek(from);
  // Hour-of-day sums over the seven days: counts and exposures, then a ±1 h kernel.
  const { nH, eH, rH, lambdaH, evidenceH } = scratch;
  nH.fill(0);
  eH.fill(0);
  rH.fill(0);
  for (let b = 0; b < BINS; b++) {
    const h = b % 24;
    nH[h] = (nH[h] as number) + (p.bins[b] as number) / SCALE;
    eH[h] = (eH[h] as number) + occurrences(b, from, fromBin, hour);
    if (role !== undefined) rH[h] = (rH[h] as number) + (role[b] as number);
  }
  const total = (p.m[2] as number) || 0;
  const ownRate = total / exposureHours;
  const roleRate =
    role !== undefined && (role[BINS + 1] as number) > 0
      ? (role[BINS] as number) / (role[BINS + 1] as number)
      : ownRate;
  // The principal's overall rate, shrunk a day towards the role's.
  const scale = (total + 24 * roleRate) / (exposureHours + 24);
  const roleMean = role !== undefined ? (role[BINS] as number) / 24 : 0;
  let busiest = 0;
  for (let h = 0; h < 24; h++) {
    const exposure = smooth(eH, h);
    evidenceH[h] = exposure + c.prior_days;
    const shape = roleMean > 0 ? smooth(rH, h) / roleMean : 1;
    const prior = scale * shape;
    lambdaH[h] = (smooth(nH, h) + c.prior_days * prior) / (exposure + c.prior_days);
    if ((lambdaH[h] as number) > busiest) busiest = lambdaH[h] as number;
  }
  const b = hourOfWeek(hour);
  const h = b % 24;
  // Judge an hour of day only after the principal was observed through it on enough days.
  if (smooth(eH, h) < c.min_days_at_hour) return null;
  const eb = occurrences(b, from, fromBin, hour);
  // The hour-of-day estimate stands in for the bin with a share (`pool_weight`) of its evidence.
  const kappa = c.pool_weight * (evidenceH[h] as number);
  const shape = (p.bins[b] as number) / SCALE + kappa * (lambdaH[h] as number);
  const beta = eb + kappa;
  return { lambda: shape / beta, shape: Math.max(1e-6, shape), beta, busiest };
}
