/**
 * access.volume's tests, each a tail probability gated by cheap checks first: the window's
 * bytes or records against the principal's (shrunk) baseline and envelope, one read
 * against its per-read sizes, and one resource's hour against that pair's baseline. Each
 * returns what a finding reports, or null when a gate fails.
 */
import { gammaSurprise, negBinomialSurprise } from '../../../shared/stats/count-tails.ts';
import { normalTail } from '../../../shared/stats/normal.ts';
import { fmt, invertSurprise } from '../access-common.ts';
import { decayedEnvelope } from './volume-baseline.ts';
import type { VolumeConfig } from './volume-config.ts';
import type { VolumeTest } from './volume-finding.ts';
import {
  L_PAIRS,
  L_RM,
  L_RN,
  L_RV,
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

/**
 * A z-score under which the normal tail's surprise (−log10 p) stays below `threshold`, so
 * most reads skip the tail: half a unit under the first z (on a 0.01 grid) that reaches
 * it. The surprise grows steadily with z there, by far more over half a unit than the
 * erfc fit's relative error (1.2e-7) could move it, so no z under the bound reaches it.
 */
export function zBelowSurprise(threshold: number): number {
  for (let z = 0; z <= 40; z += 0.01) if (-Math.log10(normalTail(z)) >= threshold) return z - 0.5;
  return 39.5;
}

/** The role's floor: its hourly log-mean plus `role_z` standard deviations. */
function roleFloorOf(c: VolumeConfig, role: Float64Array, bytes: boolean): number {
  const m = bytes ? 1 : 3;
  const v = m + 1;
  return Math.pow(10, (role[m] as number) + c.role_z * Math.sqrt(Math.max(0, role[v] as number)));
}

/** Gamma tail of the window volume against the principal's (shrunk) baseline and envelope. */
export function testWindow(
  c: VolumeConfig,
  observed: number,
  largest: number,
  reads: number,
  hour: number,
  profile: Profile | undefined,
  role: Float64Array,
  hod: number,
  bytes: boolean,
): VolumeTest | null {
  // One read dominating the window is the per-read test's case, not a sustained volume.
  if (!(observed > 0) || largest > c.max_single_share * observed || (role[0] as number) < 1) return null;
  const p = profile;
  const n = p === undefined ? 0 : (p[P_N] as number);
  // Judged against its own baseline only once it has one (a new account is rare_resource's and bulk_export's).
  if (n < c.min_active_hours) return null;
  const mi = bytes ? P_MB : P_MR;
  const vi = bytes ? P_VB : P_VR;
  const rm = bytes ? 5 : 6;
  const rcv = bytes ? 8 : 9;
  const ei = bytes ? P_EB : P_ER;
  const roleCv2 = Math.max(0.25, (role[rcv] as number) > 0 ? (role[rcv] as number) : 1);
  const roleMean = Math.max(1, role[rm] as number);
  // n ≥ min_active_hours ≥ 1 here, so p is defined and the envelope is the principal's own.
  const q = p as Float32Array;
  let ownMean = q[mi] as number;
  if (bytes) {
    const bin = P_HOD + 2 * hod;
    if ((q[bin] as number) >= 3) ownMean = q[bin + 1] as number;
  }
  // The gates are pure and all must pass: the one without a power goes first.
  const n0 = c.prior_hours;
  const expected = Math.max(1, (n * ownMean + n0 * roleMean) / (n + n0));
  if (observed < c.min_ratio * expected) return null;
  const envelope = Math.pow(10, decayedEnvelope(c, q, ei, hour));
  if (observed < c.envelope_ratio * envelope) return null;
  const ownCv2 = n >= 2 ? (q[vi] as number) / Math.max(1, (q[mi] as number) ** 2) : roleCv2;
  const roleFloor = roleFloorOf(c, role, bytes);
  if (observed < roleFloor) return null;
  const cv2 = Math.max(0.05, (n * ownCv2 + n0 * roleCv2) / (n + n0));
  // Evidence from the number of reads too: a negative binomial (moment-matched to the
  // hourly peak counts) tail of the reads in the window. The two tails multiply.
  const cMean = Math.max(1, q[P_MC] as number);
  const cVar = Math.max(cMean * 1.5, q[P_VC] as number);
  const countSurprise = negBinomialSurprise(reads, (cMean * cMean) / (cVar - cMean), cMean / cVar);
  const sizeSurprise = gammaSurprise(observed, 1 / cv2, expected * cv2);
  const surprise = sizeSurprise + countSurprise;
  if (surprise < c.surprise_threshold) return null;
  const target = Math.max(0.5, c.surprise_threshold - countSurprise);
  const upper = Math.max(
    c.min_ratio * expected,
    c.envelope_ratio * envelope,
    roleFloor,
    invertSurprise((x) => gammaSurprise(x, 1 / cv2, expected * cv2), target, expected, observed),
  );
  const kind = bytes ? 'bytes' : 'records';
  const statistic = `gamma upper tail of the ${kind} read in the window (own hour-of-day baseline shrunk to the role's) times the negative binomial tail of its ${fmt(reads)} reads, above the own decayed peak`;
  return {
    statistic,
    kind,
    observed,
    expected,
    upper,
    surprise,
    roleFloor,
    envelope,
    reads,
    countSurprise,
  };
}

/** One read far larger than the principal's reads (normal tail of log10 bytes per read). */
export function testRead(
  c: VolumeConfig,
  readZ: number,
  a: Float32Array,
  bytes: number,
  x: number,
  hour: number,
  profile: Profile | undefined,
  role: Float64Array | undefined,
): VolumeTest | null {
  const n = a[L_RN] as number;
  if (role === undefined || n < 50 || profile === undefined) return null;
  if ((profile[P_N] as number) < c.min_active_hours) return null;
  const m = a[L_RM] as number;
  const n0 = 20;
  const roleVar = (role[10] as number) > 100 ? (role[11] as number) : 0.25;
  const w = Math.min(n, 200);
  const sd = Math.sqrt(Math.max(0.04, (w * (a[L_RV] as number) + n0 * roleVar) / (w + n0)));
  const z = (x - m) / sd;
  if (!(z > readZ)) return null;
  const surprise = z > 0 ? -Math.log10(normalTail(z)) : 0;
  if (surprise < c.single_read_surprise) return null;
  const envelope = Math.pow(10, decayedEnvelope(c, profile, P_EB, hour));
  if (bytes < c.envelope_ratio * envelope) return null;
  const roleFloor = roleFloorOf(c, role, true);
  if (bytes < roleFloor) return null;
  const zAt = invertSurprise((y) => -Math.log10(normalTail(y)), c.single_read_surprise, 0.1, z);
  const upper = Math.max(Math.pow(10, m + zAt * sd), c.envelope_ratio * envelope, roleFloor);
  return {
    statistic:
      'normal upper tail of log10 bytes of one read against the own per-read sizes (shrunk to the role spread)',
    kind: 'bytes',
    observed: bytes,
    expected: Math.pow(10, m),
    upper,
    surprise,
    roleFloor,
    envelope,
  };
}

/** One resource's bytes this hour against that pair's hourly baseline and decayed peak (gamma tail). */
export function testPair(
  c: VolumeConfig,
  a: Float32Array,
  slot: number,
  hour: number,
  profile: Profile | undefined,
  role: Float64Array,
  resource: string,
): VolumeTest | null {
  if (profile === undefined) return null;
  const at = P_PAIRS + 4 * slot;
  const p = profile;
  const la = L_PAIRS + 3 * slot;
  if (p[at] !== a[la]) return null;
  const n = p[at + 1] as number;
  if (n < c.min_active_hours) return null;
  const observed = a[la + 1] as number;
  if ((a[la + 2] as number) > c.max_single_share * observed) return null;
  // The gates are pure and all must pass: the one without a power goes first.
  const expected = Math.max(1, p[at + 2] as number);
  if (observed < c.min_ratio * expected) return null;
  const envelope = Math.pow(
    10,
    (p[at + 3] as number) - (c.envelope_decay_per_day / 24) * Math.max(0, hour - (p[P_EH] as number)),
  );
  if (observed < c.envelope_ratio * envelope) return null;
  // One resource alone must also beat the principal's own peak hour.
  if (observed < Math.pow(10, decayedEnvelope(c, p, P_EB, hour))) return null;
  const roleFloor = roleFloorOf(c, role, true);
  if (observed < roleFloor) return null;
  const cv2 = Math.max(0.25, (role[8] as number) > 0 ? (role[8] as number) : 1);
  const surprise = gammaSurprise(observed, 1 / cv2, expected * cv2);
  if (surprise < c.surprise_threshold) return null;
  const upper = Math.max(
    c.min_ratio * expected,
    c.envelope_ratio * envelope,
    roleFloor,
    invertSurprise(
      (x) => gammaSurprise(x, 1 / cv2, expected * cv2),
      c.surprise_threshold,
      expected,
      observed,
    ),
  );
  return {
    statistic:
      "gamma upper tail of the bytes read from one resource this hour, against that pair's hourly baseline and decayed peak",
    kind: 'bytes',
    observed,
    expected,
    upper,
    surprise,
    roleFloor,
    envelope,
    resource,
  };
}
