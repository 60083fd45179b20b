/**
 * access.volume — bytes or records read by a principal (and by a principal on one
 * resource) far above its own seasonal baseline and its role's.
 *
 * Window: the bytes and records of allowed reads (`read`, `query`, `list`, `export`) in
 * a sliding event-time window (`window_minutes`, six buckets), per principal; per
 * principal × resource, the clock hour's sum for its `pair_slots` most recently active
 * resources.
 * Baseline: each closed clock hour in which the principal read anything teaches the
 * principal's profile the hour's peak window volume — an exponentially weighted mean and
 * variance overall and per hour of day (UTC), for bytes and records, the number of reads,
 * and a decayed peak (the envelope) of windows no single read dominates. The expected
 * volume and its coefficient of variation are shrunk towards the role's (`prior_hours`).
 * Statistic: the upper tail of a gamma distribution with the expected volume (the hour of
 * day's mean when that bin has ≥ 3 hours, else the overall mean) and the shrunk
 * coefficient of variation — a moment-matched model of a sum of a random number of
 * long-tailed reads — times the negative binomial tail of the number of reads. It alerts
 * when −log10 of that ≥ `surprise_threshold`, the volume is ≥ `min_ratio` × expected and
 * ≥ `envelope_ratio` × the envelope, no read is over `max_single_share` of the window, and
 * the volume is high for the role too: above its log-mean + `role_z` standard deviations.
 * One read that is most of the window is judged alone against the principal's per-read
 * sizes (log-normal tail, `single_read_surprise`). A principal needs `min_active_hours`.
 * Role baselines are learned per partition from the principals of the role that the
 * partition sees (access events are keyed by principal), not from the whole fleet.
 * A nightly job that always reads 20 GB stays quiet (its own baseline); 20 GB from an
 * account that reads megabytes is far in the tail of its own and its role's baseline.
 * State per principal: `live` (window and the open hour, ≈ 300 B encoded, written per
 * read) and `profile` (≈ 410 B, written once per active hour); per role one small value.
 * Cost per event: O(buckets + slots), three state lookups; the tails are computed only when
 * the cheap gates pass (the per-read tail only for a z-score that can reach its threshold).
 */
import { z } from 'zod';
import type { AccessEvent } from '../../../shared/events/types.ts';
import { defineDetector, type Detector, type Finding } from '../../../shared/pipeline/detector.ts';
import type { DetectorState, KeyedState, StateCodec } from '../../../shared/pipeline/keyed-state.ts';
import { hashPair } from '../../../shared/stats/aging-bloom.ts';
import { gammaSurprise, negBinomialSurprise } from '../../../shared/stats/count-tails.ts';
import { normalTail } from '../../../shared/stats/normal.ts';
import { packArray, unpackF32, unpackF64 } from '../../../shared/stats/packed.ts';
import { HOUR_MS, clampScore, fmt, fmtBytes, invertSurprise, roleOf, severityOf } from '../access-common.ts';
import { packedText } from '../state-text.ts';

interface VolumeConfig {
  window_minutes: number;
  surprise_threshold: number;
  min_ratio: number;
  role_z: number;
  min_active_hours: number;
  prior_hours: number;
  memory_hours: number;
  pair_slots: number;
  single_read_surprise: number;
  envelope_ratio: number;
  envelope_decay_per_day: number;
  max_single_share: number;
  actions: string[];
}

const BUCKETS = 6;
const MAX_SLOTS = 8;
/**
 * Live: [head bucket, bytes×6, records×6, largest read's bytes×6, its records×6, hour,
 * peak bytes, peak records, reads n, mean log10 bytes per read, variance, sustained peak
 * bytes, records, pairs (hash, bytes, largest read's bytes)×slots].
 */
const L_HEAD = 0;
const L_BYTES = 1;
const L_RECS = 1 + BUCKETS;
const L_MAXB = 1 + 2 * BUCKETS;
const L_MAXR = 1 + 3 * BUCKETS;
const L_HOUR = 1 + 4 * BUCKETS;
const L_PEAK_B = L_HOUR + 1;
const L_PEAK_R = L_HOUR + 2;
const L_RN = L_HOUR + 3;
const L_RM = L_HOUR + 4;
const L_RV = L_HOUR + 5;
/** Peaks of the hour over windows no single read dominates (what the envelope learns). */
const L_SUS_B = L_HOUR + 6;
const L_SUS_R = L_HOUR + 7;
/** Reads per bucket, and the hour's peak window count. */
const L_CNT = L_HOUR + 8;
const L_PEAK_C = L_CNT + BUCKETS;
const L_PAIRS = L_PEAK_C + 1;
/** Profile: [n, mean B, var B, mean R, var R, envelopes B, R, their hour, hour-of-day (n, mean B)×24, pairs (hash24, n, mean, envelope)×slots]. */
const P_N = 0;
const P_MB = 1;
const P_VB = 2;
const P_MR = 3;
const P_VR = 4;
/** Decayed envelopes (log10 of the highest hourly peak, falling `envelope_decay` decades a day) and their hour. */
const P_EB = 5;
const P_ER = 6;
const P_EH = 7;
/** Mean and variance of the hourly peak number of reads in a window. */
const P_MC = 8;
const P_VC = 9;
const P_HOD = 10;
const P_PAIRS = P_HOD + 48;

/**
 * Role: [n, mean log10 B, var log10 B, mean log10 R, var log10 R, mean B, mean R, n cv,
 * cv² B, cv² R, n reads, pooled within-principal variance of log10 bytes per read].
 */
const ROLE_LEN = 12;

/**
 * Resource hashes of the pair slots, memoised: a pure function of the string, so one
 * bounded cache serves every partition's detector (not state, it never changes a result).
 */
const PAIR_HASHES = new Map<string, number>();

/** The values are the Float32Arrays themselves (one indirection less per lookup). */
type Live = Float32Array;
type Profile = Float32Array;

// Float32 holds bucket and hour indices exactly (< 2^24) and sums to 7 digits; the value in
// memory is the Float32Array itself, so a restored state continues bit for bit.
const liveCodec = (len: number): StateCodec<Live> => ({
  encode: (v) => packArray(v),
  encodeText: packedText,
  decode: (json) => unpackF32(json as string, len),
});
const profileCodec = (len: number): StateCodec<Profile> => ({
  encode: (v) => packArray(v),
  encodeText: packedText,
  decode: (json) => unpackF32(json as string, len),
});
const roleCodec: StateCodec<Float64Array> = {
  encode: (v) => packArray(v),
  encodeText: packedText,
  decode: (json) => unpackF64(json as string, ROLE_LEN),
};

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

/**
 * A z-score under which the normal tail's surprise (−log10 p) stays below `threshold`, so
 * most reads skip the tail: half a unit under the first z (on a 0.01 grid) that reaches
 * it. The surprise grows steadily with z there, by far more over half a unit than the
 * erfc fit's relative error (1.2e-7) could move it, so no z under the bound reaches it.
 */
function zBelowSurprise(threshold: number): number {
  for (let z = 0; z <= 40; z += 0.01) if (-Math.log10(normalTail(z)) >= threshold) return z - 0.5;
  return 39.5;
}

interface Test {
  statistic: string;
  kind: 'bytes' | 'records';
  observed: number;
  expected: number;
  upper: number;
  surprise: number;
  roleFloor: number;
  envelope: number;
  reads?: number;
  countSurprise?: number;
  resource?: string;
}

class VolumeDetector implements Detector<AccessEvent> {
  private readonly bucketMs: number;
  private readonly reads: ReadonlySet<string>;
  private readonly slots: number;
  private readonly live: KeyedState<Live>;
  private readonly profiles: KeyedState<Profile>;
  private readonly roles: KeyedState<Float64Array>;
  private readonly liveLen: number;
  private readonly profileLen: number;
  private readonly readZ: number;

  constructor(
    private readonly c: VolumeConfig,
    state: DetectorState,
  ) {
    this.bucketMs = (c.window_minutes * 60_000) / BUCKETS;
    this.reads = new Set(c.actions);
    this.slots = Math.min(MAX_SLOTS, c.pair_slots);
    this.liveLen = L_PAIRS + 3 * this.slots;
    this.profileLen = P_PAIRS + 4 * this.slots;
    this.live = state.keyed('live', { codec: liveCodec(this.liveLen) });
    this.profiles = state.keyed('profile', { codec: profileCodec(this.profileLen) });
    this.roles = state.keyed('role', { codec: roleCodec });
    this.readZ = zBelowSurprise(c.single_read_surprise);
  }

  update(e: AccessEvent): Finding | null {
    if (e.outcome !== 'allowed' || !this.reads.has(e.action)) return null;
    const bytes = e.bytes ?? 0;
    const records = e.records ?? 0;
    if (!(bytes > 0) && !(records > 0)) return null;
    const role = roleOf(e);
    const t = e.ts;
    const hour = Math.floor(t / HOUR_MS);
    let live = this.live.get(e.principal);
    if (live === undefined) {
      live = this.newLive(t);
      this.live.put(e.principal, live);
    }
    const a = live;
    if ((a[L_HOUR] as number) < hour) this.closeHour(e.principal, role, a, hour);
    else if ((a[L_HOUR] as number) > hour) return null; // older than the open hour: not counted

    // Slide the window to t and add the read.
    const idx = Math.floor(t / this.bucketMs);
    const head = a[L_HEAD] as number;
    if (idx > head) {
      for (let b = head + 1; b <= Math.min(idx, head + BUCKETS); b++) {
        const k = b % BUCKETS;
        a[L_BYTES + k] = 0;
        a[L_RECS + k] = 0;
        a[L_MAXB + k] = 0;
        a[L_MAXR + k] = 0;
        a[L_CNT + k] = 0;
      }
      a[L_HEAD] = idx;
    } else if (idx <= head - BUCKETS) return null;
    const k = idx % BUCKETS;
    a[L_BYTES + k] = (a[L_BYTES + k] as number) + bytes;
    a[L_RECS + k] = (a[L_RECS + k] as number) + records;
    if (bytes > (a[L_MAXB + k] as number)) a[L_MAXB + k] = bytes;
    if (records > (a[L_MAXR + k] as number)) a[L_MAXR + k] = records;
    a[L_CNT + k] = (a[L_CNT + k] as number) + 1;
    let wc = 0;
    let wb = 0;
    let wr = 0;
    let mb = 0;
    let mr = 0;
    for (let i = 0; i < BUCKETS; i++) {
      wb += a[L_BYTES + i] as number;
      wr += a[L_RECS + i] as number;
      wc += a[L_CNT + i] as number;
      if ((a[L_MAXB + i] as number) > mb) mb = a[L_MAXB + i] as number;
      if ((a[L_MAXR + i] as number) > mr) mr = a[L_MAXR + i] as number;
    }
    if (wb > (a[L_PEAK_B] as number)) a[L_PEAK_B] = wb;
    if (wr > (a[L_PEAK_R] as number)) a[L_PEAK_R] = wr;
    if (wc > (a[L_PEAK_C] as number)) a[L_PEAK_C] = wc;
    const share = this.c.max_single_share;
    if (mb <= share * wb && wb > (a[L_SUS_B] as number)) a[L_SUS_B] = wb;
    if (mr <= share * wr && wr > (a[L_SUS_R] as number)) a[L_SUS_R] = wr;
    const profile = this.profiles.peek(e.principal);
    const slot = this.pairSlot(a, e.resource, profile);
    const ps = L_PAIRS + 3 * slot;
    a[ps + 1] = (a[ps + 1] as number) + bytes;
    if (bytes > (a[ps + 2] as number)) a[ps + 2] = bytes;

    // learnRead writes the role's per-read spread once the principal has > 20 reads: then
    // the role is read for writing here, one lookup for both.
    const teachesRole = bytes > 0 && (a[L_RN] as number) + 1 > 20;
    const roleStats = teachesRole ? this.roles.get(role) : this.roles.peek(role);
    const lx = bytes > 0 ? Math.log10(bytes) : 0;
    const single = bytes > 0 ? this.testRead(a, bytes, lx, hour, profile, roleStats) : null;
    this.learnRead(a, bytes, lx, roleStats);
    if (roleStats === undefined) return null;
    const hod = hour % 24;
    // No closure here: the per-event path allocates nothing while nothing alerts.
    let best = single;
    let test = this.test(wb, mb, wc, hour, profile, roleStats, hod, true);
    if (test !== null && (best === null || test.surprise > best.surprise)) best = test;
    test = this.test(wr, mr, wc, hour, profile, roleStats, hod, false);
    if (test !== null && (best === null || test.surprise > best.surprise)) best = test;
    test = this.testPair(a, slot, hour, profile, roleStats, e.resource);
    if (test !== null && (best === null || test.surprise > best.surprise)) best = test;
    return best === null ? null : this.finding(e, role, best);
  }

  private newLive(t: number): Live {
    const a = new Float32Array(this.liveLen);
    a[L_HEAD] = Math.floor(t / this.bucketMs);
    a[L_HOUR] = Math.floor(t / HOUR_MS);
    return a;
  }

  /** The slot of `resource`: its own, else an idle one whose resource has taught the least. */
  private pairSlot(a: Float32Array, resource: string, profile: Profile | undefined): number {
    let h = PAIR_HASHES.get(resource);
    if (h === undefined) {
      h = (hashPair(resource)[0] & 0xffffff) + 1;
      if (PAIR_HASHES.size >= 20_000) PAIR_HASHES.clear();
      PAIR_HASHES.set(resource, h);
    }
    for (let s = 0; s < this.slots; s++) if (a[L_PAIRS + 3 * s] === h) return s;
    const p = profile;
    let best = 0;
    let bestN = Number.POSITIVE_INFINITY;
    for (let s = 0; s < this.slots; s++) {
      const at = L_PAIRS + 3 * s;
      if (a[at + 1] !== 0) continue; // active this hour
      const n =
        a[at] === 0
          ? -1
          : p === undefined || p[P_PAIRS + 4 * s] !== a[at]
            ? 0
            : (p[P_PAIRS + 4 * s + 1] as number);
      if (n < bestN) {
        bestN = n;
        best = s;
      }
    }
    // Every slot active this hour: the first is shared (its baseline restarts).
    const at = L_PAIRS + 3 * best;
    a[at] = h;
    a[at + 1] = 0;
    a[at + 2] = 0;
    return best;
  }

  /** Per-read size baseline (log10 bytes), winsorised so an outlier teaches little. */
  private learnRead(a: Float32Array, bytes: number, x: number, roleStats: Float64Array | undefined): void {
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
    ewUpdate(a, L_RM, L_RV, n, clipped, this.c.memory_hours * 10);
  }

  /** log10 envelope decayed to `hour`. */
  private envelope(p: Float32Array, at: number, hour: number, hourAt = P_EH): number {
    return (
      (p[at] as number) - (this.c.envelope_decay_per_day / 24) * Math.max(0, hour - (p[hourAt] as number))
    );
  }

  /** Learns the closed hour's peaks into the principal's profile and its role's. */
  private closeHour(principal: string, role: string, a: Float32Array, hour: number): void {
    const pb = a[L_PEAK_B] as number;
    const pr = a[L_PEAK_R] as number;
    const closed = a[L_HOUR] as number;
    if (pb > 0 || pr > 0) {
      let profile = this.profiles.get(principal);
      if (profile === undefined) this.profiles.put(principal, (profile = new Float32Array(this.profileLen)));
      const p = profile;
      let r = this.roles.get(role);
      if (r === undefined) this.roles.put(role, (r = new Float64Array(ROLE_LEN)));
      const n = (p[P_N] as number) + 1;
      const warm = n > this.c.min_active_hours;
      // Winsorised: an hour far above the baseline teaches at most 2 × min_ratio × the mean.
      const xb = warm ? Math.min(pb, (p[P_MB] as number) * this.c.min_ratio * 2) : pb;
      const xr = warm ? Math.min(pr, (p[P_MR] as number) * this.c.min_ratio * 2) : pr;
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
      const eb = n <= 1 ? sb : Math.max(sb, this.envelope(p, P_EB, closed));
      const er = n <= 1 ? sr : Math.max(sr, this.envelope(p, P_ER, closed));
      p[P_EB] = eb;
      p[P_ER] = er;
      p[P_EH] = closed;
      p[P_N] = Math.min(n, 65_000);
      ewUpdate(p, P_MB, P_VB, n, xb, this.c.memory_hours);
      ewUpdate(p, P_MR, P_VR, n, xr, this.c.memory_hours);
      const pc = a[L_PEAK_C] as number;
      ewUpdate(
        p,
        P_MC,
        P_VC,
        n,
        warm ? Math.min(pc, 2 * this.c.min_ratio * (p[P_MC] as number)) : pc,
        this.c.memory_hours,
      );
      const bin = P_HOD + 2 * (closed % 24);
      const nb = (p[bin] as number) + 1;
      p[bin] = Math.min(nb, 65_000);
      p[bin + 1] =
        nb <= 1 ? xb : (p[bin + 1] as number) + Math.max(1 / nb, 1 / 14) * (xb - (p[bin + 1] as number));
      for (let s = 0; s < this.slots; s++) {
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
        p[at + 3] = k <= 1 ? lx : Math.max(lx, (p[at + 3] as number) - this.c.envelope_decay_per_day / 24);
        const cap = k > this.c.min_active_hours ? (p[at + 2] as number) * this.c.min_ratio * 2 : Infinity;
        p[at + 2] =
          k <= 1
            ? sb
            : (p[at + 2] as number) +
              Math.max(1 / k, 1 / this.c.memory_hours) * (Math.min(sb, cap) - (p[at + 2] as number));
      }
      const rn = (r[0] as number) + 1;
      r[0] = rn;
      ewUpdate(r, 1, 2, rn, Math.log10(1 + xb), 5000);
      ewUpdate(r, 3, 4, rn, Math.log10(1 + xr), 5000);
      const w = Math.max(1 / rn, 1 / 5000);
      r[5] = rn <= 1 ? xb : (r[5] as number) + w * (xb - (r[5] as number));
      r[6] = rn <= 1 ? xr : (r[6] as number) + w * (xr - (r[6] as number));
    }
    a[L_HOUR] = hour;
    a[L_PEAK_B] = 0;
    a[L_PEAK_R] = 0;
    a[L_SUS_B] = 0;
    a[L_SUS_R] = 0;
    a[L_PEAK_C] = 0;
    for (let s = 0; s < this.slots; s++) {
      a[L_PAIRS + 3 * s + 1] = 0;
      a[L_PAIRS + 3 * s + 2] = 0;
    }
  }

  private roleFloor(role: Float64Array, bytes: boolean): number {
    const m = bytes ? 1 : 3;
    const v = m + 1;
    return Math.pow(10, (role[m] as number) + this.c.role_z * Math.sqrt(Math.max(0, role[v] as number)));
  }

  /** Gamma tail of the window volume against the principal's (shrunk) baseline and envelope. */
  private test(
    observed: number,
    largest: number,
    reads: number,
    hour: number,
    profile: Profile | undefined,
    role: Float64Array,
    hod: number,
    bytes: boolean,
  ): Test | null {
    // One read dominating the window is the per-read test's case, not a sustained volume.
    if (!(observed > 0) || largest > this.c.max_single_share * observed || (role[0] as number) < 1)
      return null;
    const p = profile;
    const n = p === undefined ? 0 : (p[P_N] as number);
    // Judged against its own baseline only once it has one (a new account is rare_resource's and bulk_export's).
    if (n < this.c.min_active_hours) return null;
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
    const n0 = this.c.prior_hours;
    const expected = Math.max(1, (n * ownMean + n0 * roleMean) / (n + n0));
    if (observed < this.c.min_ratio * expected) return null;
    const envelope = Math.pow(10, this.envelope(q, ei, hour));
    if (observed < this.c.envelope_ratio * envelope) return null;
    const ownCv2 = n >= 2 ? (q[vi] as number) / Math.max(1, (q[mi] as number) ** 2) : roleCv2;
    const roleFloor = this.roleFloor(role, bytes);
    if (observed < roleFloor) return null;
    const cv2 = Math.max(0.05, (n * ownCv2 + n0 * roleCv2) / (n + n0));
    // Evidence from the number of reads too: a negative binomial (moment-matched to the
    // hourly peak counts) tail of the reads in the window. The two tails multiply.
    const cMean = Math.max(1, q[P_MC] as number);
    const cVar = Math.max(cMean * 1.5, q[P_VC] as number);
    const countSurprise = negBinomialSurprise(reads, (cMean * cMean) / (cVar - cMean), cMean / cVar);
    const sizeSurprise = gammaSurprise(observed, 1 / cv2, expected * cv2);
    const surprise = sizeSurprise + countSurprise;
    if (surprise < this.c.surprise_threshold) return null;
    const target = Math.max(0.5, this.c.surprise_threshold - countSurprise);
    const upper = Math.max(
      this.c.min_ratio * expected,
      this.c.envelope_ratio * envelope,
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
  private testRead(
    a: Float32Array,
    bytes: number,
    x: number,
    hour: number,
    profile: Profile | undefined,
    role: Float64Array | undefined,
  ): Test | null {
    const n = a[L_RN] as number;
    if (role === undefined || n < 50 || profile === undefined) return null;
    if ((profile[P_N] as number) < this.c.min_active_hours) return null;
    const m = a[L_RM] as number;
    const n0 = 20;
    const roleVar = (role[10] as number) > 100 ? (role[11] as number) : 0.25;
    const w = Math.min(n, 200);
    const sd = Math.sqrt(Math.max(0.04, (w * (a[L_RV] as number) + n0 * roleVar) / (w + n0)));
    const z = (x - m) / sd;
    if (!(z > this.readZ)) return null;
    const surprise = z > 0 ? -Math.log10(normalTail(z)) : 0;
    if (surprise < this.c.single_read_surprise) return null;
    const envelope = Math.pow(10, this.envelope(profile, P_EB, hour));
    if (bytes < this.c.envelope_ratio * envelope) return null;
    const roleFloor = this.roleFloor(role, true);
    if (bytes < roleFloor) return null;
    const zAt = invertSurprise((y) => -Math.log10(normalTail(y)), this.c.single_read_surprise, 0.1, z);
    const upper = Math.max(Math.pow(10, m + zAt * sd), this.c.envelope_ratio * envelope, roleFloor);
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

  private testPair(
    a: Float32Array,
    slot: number,
    hour: number,
    profile: Profile | undefined,
    role: Float64Array,
    resource: string,
  ): Test | null {
    if (profile === undefined) return null;
    const at = P_PAIRS + 4 * slot;
    const p = profile;
    const la = L_PAIRS + 3 * slot;
    if (p[at] !== a[la]) return null;
    const n = p[at + 1] as number;
    if (n < this.c.min_active_hours) return null;
    const observed = a[la + 1] as number;
    if ((a[la + 2] as number) > this.c.max_single_share * observed) return null;
    // The gates are pure and all must pass: the one without a power goes first.
    const expected = Math.max(1, p[at + 2] as number);
    if (observed < this.c.min_ratio * expected) return null;
    const envelope = Math.pow(
      10,
      (p[at + 3] as number) - (this.c.envelope_decay_per_day / 24) * Math.max(0, hour - (p[P_EH] as number)),
    );
    if (observed < this.c.envelope_ratio * envelope) return null;
    // One resource alone must also beat the principal's own peak hour.
    if (observed < Math.pow(10, this.envelope(p, P_EB, hour))) return null;
    const roleFloor = this.roleFloor(role, true);
    if (observed < roleFloor) return null;
    const cv2 = Math.max(0.25, (role[8] as number) > 0 ? (role[8] as number) : 1);
    const surprise = gammaSurprise(observed, 1 / cv2, expected * cv2);
    if (surprise < this.c.surprise_threshold) return null;
    const upper = Math.max(
      this.c.min_ratio * expected,
      this.c.envelope_ratio * envelope,
      roleFloor,
      invertSurprise(
        (x) => gammaSurprise(x, 1 / cv2, expected * cv2),
        this.c.surprise_threshold,
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

  private finding(e: AccessEvent, role: string, t: Test): Finding {
    const ratio = t.observed / t.expected;
    const score = clampScore(45 + 5 * (t.surprise - this.c.surprise_threshold) + 10 * Math.log10(ratio));
    const show = (x: number): string => (t.kind === 'bytes' ? fmtBytes(x) : `${fmt(x)} records`);
    const single = t.statistic.includes('one read');
    const scope = t.resource === undefined ? '' : ` from ${t.resource}`;
    const window = single
      ? 'per read'
      : t.resource === undefined
        ? `${this.c.window_minutes} min sliding, largest read excluded`
        : 'clock hour, principal × resource, largest read excluded';
    const what = single
      ? 'in one read'
      : t.resource === undefined
        ? `in ${this.c.window_minutes} min`
        : 'this hour';
    return {
      entity: { type: 'principal', id: e.principal },
      severity: severityOf(score),
      score,
      title: `Unusual read volume by ${e.principal}${scope}`,
      description:
        `${e.principal} (role ${role}) read ${show(t.observed)}${scope} ${what}, ` +
        `${fmt(ratio)}× its expected ${show(t.expected)} (alert above ${show(t.upper)}, role floor ${show(t.roleFloor)}); ` +
        `tail p = 1e-${fmt(t.surprise)}.`,
      explanation: {
        statistic: t.statistic,
        observed: t.observed,
        expected: t.expected,
        expected_range: [0, t.upper],
        threshold: `-log10 p >= ${single ? this.c.single_read_surprise : this.c.surprise_threshold}, >= ${this.c.min_ratio}x expected, above the role floor`,
        window,
        surprise_log10: t.surprise,
        ratio,
        role,
        role_floor: t.roleFloor,
        envelope: t.envelope,
        ...(t.reads === undefined ? {} : { reads: t.reads, reads_surprise_log10: t.countSurprise }),
        unit: t.kind,
        ...(t.resource === undefined ? {} : { resource: t.resource }),
      },
      techniques: ['T1530', 'T1213'],
      // One alert per principal episode: window, single-read and per-resource findings merge.
      episodeKey: 'volume',
    };
  }
}

export const volume = defineDetector({
  id: 'access.volume',
  eventType: 'access',
  category: 'exfiltration',
  description:
    "Bytes or records read by a principal (or on one resource) far above its own seasonal baseline and its role's.",
  config: {
    learning_minutes: z
      .number()
      .min(0)
      .default(720)
      .describe(
        "Event-time minutes after the partition's first event during which findings are dropped (baselines form).",
      ),
    window_minutes: z
      .number()
      .min(60)
      .max(1440)
      .default(60)
      .describe('Sliding window of read volume, minutes (six buckets of at least 10 min).'),
    surprise_threshold: z
      .number()
      .positive()
      .default(8)
      .describe('Alert when the gamma tail probability of the window volume is below 10^-this.'),
    min_ratio: z
      .number()
      .min(1)
      .default(5)
      .describe('The window volume must also be at least this many times the expected.'),
    role_z: z
      .number()
      .default(1)
      .describe("…and above the role's log-mean plus this many role standard deviations of hourly volume."),
    min_active_hours: z
      .number()
      .int()
      .min(1)
      .default(6)
      .describe(
        'Active hours a principal needs before its own baseline alone may alert (earlier: only with a learned role).',
      ),
    prior_hours: z
      .number()
      .positive()
      .default(6)
      .describe("Weight of the role's baseline in a principal's, in pseudo-hours."),
    memory_hours: z
      .number()
      .min(2)
      .default(336)
      .describe('Memory of the exponentially weighted baselines, in active hours.'),
    pair_slots: z
      .number()
      .int()
      .min(1)
      .max(MAX_SLOTS)
      .default(2)
      .describe('Resources per principal with their own hourly baseline (the most recently active).'),
    single_read_surprise: z
      .number()
      .positive()
      .default(12)
      .describe(
        "Alert on one read whose size has a tail probability below 10^-this among the principal's reads.",
      ),
    envelope_ratio: z
      .number()
      .min(1)
      .default(3)
      .describe("…and at least this many times the principal's decayed peak hourly volume (its envelope)."),
    envelope_decay_per_day: z
      .number()
      .min(0)
      .default(0.05)
      .describe('How fast the envelope forgets an old peak, decades (factors of 10) per day.'),
    max_single_share: z
      .number()
      .gt(0)
      .max(1)
      .default(0.5)
      .describe(
        'The window test skips windows where one read is more than this share (one read is judged per read).',
      ),
    actions: z
      .array(z.enum(['read', 'write', 'delete', 'export', 'query', 'list', 'admin']))
      .default(['read', 'query', 'list', 'export'])
      .describe('Actions whose bytes and records count as read.'),
  },
  create: (config, state) => new VolumeDetector(config, state),
});
