/**
 * What access.volume learns: the per-read size baseline of a principal (per event), and,
 * when a clock hour closes, its peaks into the principal's profile (overall, per hour of
 * day, per resource slot, the decayed envelopes) and into its role's.
 */
import type { VolumeConfig } from './volume-config.ts';
import {
  L_PAIRS,
  L_RM,
  L_RN,
  L_RV,
  L_SUS_B,
  L_SUS_R,
  L_PEAK_C,
  P_EB,
  P_EH,
  P_ER,
  P_HOD,
  P_MB,
  P_MC,
  P_MR,
  P_N,
  P_PAIRS,
  P_VB,
  P_VC,
  P_VR,
  type Profile,
} from './volume-state.ts';

/** Exponentially weighted mean and variance, in place (Finch 2009), weight ≥ 1/n. */
function ewUpdate(
  arr: Float32Array | Float64Array,
  mean: number,
  variance: number,
  n: number,
  x: number,
  memory: number,
): void {
  if (n <= 1) {
    arr[mean] = x;
    arr[variance] = 0;
    return;
  }
  const a = Math.max(1 / n, 1 / memory);
  const d = x - (arr[mean] as number);
  arr[mean] = (arr[mean] as number) + a * d;
  arr[variance] = (1 - a) * ((arr[variance] as number) + a * d * d);
}

/** log10 envelope decayed to `hour`. */
export function decayedEnvelope(
  c: VolumeConfig,
  p: Float32Array,
  at: number,
  hour: number,
  hourAt = P_EH,
): number {
  return (p[at] as number) - (c.envelope_decay_per_day / 24) * Math.max(0, hour - (p[hourAt] as number));
}

/** Per-read size baseline (log10 bytes), winsorised so an outlier teaches little. */
export function learnRead(
  c: VolumeConfig,
  a: Float32Array,
  bytes: number,
  x: number,
  roleStats: Float64Array | undefined,
): void {
  if (!(bytes > 0)) return;
  const n = (a[L_RN] as number) + 1;
  const sd = Math.sqrt(Math.max(0.01, a[L_RV] as number));
  const m = a[L_RM] as number;
  const clipped = n > 20 ? Math.min(m + 4 * sd, Math.max(m - 4 * sd, x)) : x;
  const role = n > 20 ? roleStats : undefined;
  if (role !== undefined) {
    const rn = (role[10] as number) + 1;
    role[10] = rn;
    role[11] =
      (role[11] as number) + Math.max(1 / rn, 1 / 20_000) * ((clipped - m) ** 2 - (role[11] as number));
  }
  a[L_RN] = Math.min(n, 1e6);
  ewUpdate(a, L_RM, L_RV, n, clipped, c.memory_hours * 10);
}

/** Learns the closed hour's peaks (`pb` bytes, `pr` records) into the principal's profile and its role's. */
export function learnHour(
  c: VolumeConfig,
  slots: number,
  a: Float32Array,
  p: Profile,
  r: Float64Array,
  pb: number,
  pr: number,
  closed: number,
): void {
  const n = (p[P_N] as number) + 1;
  const warm = n > c.min_active_hours;
  // Winsorised: an hour far above the baseline teaches at most 2 × min_ratio × the mean.
  const xb = warm ? Math.min(pb, (p[P_MB] as number) * c.min_ratio * 2) : pb;
  const xr = warm ? Math.min(pr, (p[P_MR] as number) * c.min_ratio * 2) : pr;
  if (warm) {
    // The role learns how far principals stray from their own means (squared coefficient of variation).
    const cvb = ((xb - (p[P_MB] as number)) / Math.max(1, p[P_MB] as number)) ** 2;
    const cvr = ((xr - (p[P_MR] as number)) / Math.max(1, p[P_MR] as number)) ** 2;
    const m = (r[7] as number) + 1;
    r[7] = m;
    const w = Math.max(1 / m, 1 / 2000);
    r[8] = (r[8] as number) + w * (Math.min(cvb, 100) - (r[8] as number));
    r[9] = (r[9] as number) + w * (Math.min(cvr, 100) - (r[9] as number));
  }
  // Envelopes learn the unclipped sustained peak (no read over max_single_share of the
  // window, as the window test asks): a new normal shows after one alert-worthy hour.
  const sb = Math.log10(1 + (a[L_SUS_B] as number));
  const sr = Math.log10(1 + (a[L_SUS_R] as number));
  const eb = n <= 1 ? sb : Math.max(sb, decayedEnvelope(c, p, P_EB, closed));
  const er = n <= 1 ? sr : Math.max(sr, decayedEnvelope(c, p, P_ER, closed));
  p[P_EB] = eb;
  p[P_ER] = er;
  p[P_EH] = closed;
  p[P_N] = Math.min(n, 65_000);
  ewUpdate(p, P_MB, P_VB, n, xb, c.memory_hours);
  ewUpdate(p, P_MR, P_VR, n, xr, c.memory_hours);
  const pc = a[L_PEAK_C] as number;
  ewUpdate(p, P_MC, P_VC, n, warm ? Math.min(pc, 2 * c.min_ratio * (p[P_MC] as number)) : pc, c.memory_hours);
  const bin = P_HOD + 2 * (closed % 24);
  const nb = (p[bin] as number) + 1;
  p[bin] = Math.min(nb, 65_000);
  p[bin + 1] =
    nb <= 1 ? xb : (p[bin + 1] as number) + Math.max(1 / nb, 1 / 14) * (xb - (p[bin + 1] as number));
  for (let s = 0; s < slots; s++) {
    const la = L_PAIRS + 3 * s;
    const sb = a[la + 1] as number;
    if (!(sb > 0)) continue;
    const at = P_PAIRS + 4 * s;
    if (p[at] !== a[la]) {
      // A resource new to this slot starts a fresh baseline.
      p[at] = a[la] as number;
      p[at + 1] = 0;
      p[at + 2] = 0;
      p[at + 3] = 0;
    }
    const k = (p[at + 1] as number) + 1;
    p[at + 1] = Math.min(k, 65_000);
    const lx = Math.log10(1 + sb);
    // Pair envelopes decay with the principal's clock (P_EH is this hour now).
    p[at + 3] = k <= 1 ? lx : Math.max(lx, (p[at + 3] as number) - c.envelope_decay_per_day / 24);
    const cap = k > c.min_active_hours ? (p[at + 2] as number) * c.min_ratio * 2 : Infinity;
    p[at + 2] =
      k <= 1
        ? sb
        : (p[at + 2] as number) +
          Math.max(1 / k, 1 / c.memory_hours) * (Math.min(sb, cap) - (p[at + 2] as number));
  }
  const rn = (r[0] as number) + 1;
  r[0] = rn;
  ewUpdate(r, 1, 2, rn, Math.log10(1 + xb), 5000);
  ewUpdate(r, 3, 4, rn, Math.log10(1 + xr), 5000);
  const w = Math.max(1 / rn, 1 / 5000);
  r[5] = rn <= 1 ? xb : (r[5] as number) + w * (xb - (r[5] as number));
  r[6] = rn <= 1 ? xr : (r[6] as number) + w * (xr - (r[6] as number));
}
