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
import type { AccessEvent } from '../../../shared/events/types.ts';
import { defineDetector, type Detector, type Finding } from '../../../shared/pipeline/detector.ts';
import type { DetectorState, KeyedState } from '../../../shared/pipeline/keyed-state.ts';
import { hashPair } from '../../../shared/stats/aging-bloom.ts';
import { HOUR_MS, roleOf } from '../access-common.ts';
import { learnHour, learnRead } from './volume-baseline.ts';
import { volumeConfig, type VolumeConfig } from './volume-config.ts';
import { volumeFinding } from './volume-finding.ts';
import {
  BUCKETS,
  L_BYTES,
  L_CNT,
  L_HEAD,
  L_HOUR,
  L_MAXB,
  L_MAXR,
  L_PAIRS,
  L_PEAK_B,
  L_PEAK_C,
  L_PEAK_R,
  L_RECS,
  L_RN,
  L_SUS_B,
  L_SUS_R,
  MAX_SLOTS,
  P_PAIRS,
  ROLE_LEN,
  liveCodec,
  profileCodec,
  roleCodec,
  type Live,
  type Profile,
} from './volume-state.ts';
import { testPair, testRead, testWindow, zBelowSurprise } from './volume-tails.ts';

/**
 * Resource hashes of the pair slots, memoised: a pure function of the string, so one
 * bounded cache serves every partition's detector (not state, it never changes a result).
 */
const PAIR_HASHES = new Map<string, number>();

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
    const single = bytes > 0 ? testRead(this.c, this.readZ, a, bytes, lx, hour, profile, roleStats) : null;
    learnRead(this.c, a, bytes, lx, roleStats);
    if (roleStats === undefined) return null;
    const hod = hour % 24;
    // No closure here: the per-event path allocates nothing while nothing alerts.
    let best = single;
    let test = testWindow(this.c, wb, mb, wc, hour, profile, roleStats, hod, true);
    if (test !== null && (best === null || test.surprise > best.surprise)) best = test;
    test = testWindow(this.c, wr, mr, wc, hour, profile, roleStats, hod, false);
    if (test !== null && (best === null || test.surprise > best.surprise)) best = test;
    test = testPair(this.c, a, slot, hour, profile, roleStats, e.resource);
    if (test !== null && (best === null || test.surprise > best.surprise)) best = test;
    return best === null ? null : volumeFinding(this.c, e, role, best);
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

  /** Closes the open hour: its peaks teach the principal's profile and its role's, then restart. */
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
      learnHour(this.c, this.slots, a, p, r, pb, pr, closed);
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
}

export const volume = defineDetector({
  id: 'access.volume',
  eventType: 'access',
  category: 'exfiltration',
  description:
    "Bytes or records read by a principal (or on one resource) far above its own seasonal baseline and its role's.",
  config: volumeConfig,
  create: (config, state) => new VolumeDetector(config, state),
});
