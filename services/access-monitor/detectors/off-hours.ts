/**
 * access.off_hours — a burst of activity at an hour of the week that is rare for that
 * principal, scored by the sensitivity of what it touched.
 *
 * Profile: per principal, events per hour-of-week (168 bins, UTC), learned from closed
 * clock hours and decayed weekly (`weekly_decay`); the exposure of each bin is the number
 * of times it has passed since the principal was first seen. The expected rate in the
 * current bin is a two-level gamma–Poisson estimate: the bin's own count over its
 * exposure, shrunk towards the principal's rate at that hour of day over all days
 * (borrowing `pool_weight` of that estimate's evidence), itself shrunk (`prior_days`) towards its role's hour-of-day shape scaled to
 * the principal's overall rate. Role shapes are learned per partition from the
 * principals of the role that partition sees. A ±1 hour kernel smooths hours of day.
 * Statistic: an hour is rare when its expected rate is below `rare_share` × the
 * principal's busiest hour-of-day rate; activity in a rare hour is judged by the
 * negative binomial (predictive) upper tail of the events in a sliding hour. The
 * surprise (−log10 p) plus a sensitivity bonus (public −1, internal 0, confidential +1,
 * restricted +2, a restricted secret +3) must reach `surprise_threshold`, with at least
 * `min_events` events. A single trickle event at night is normal texture; five secret
 * reads at 2 a.m. by an office-hours analyst are not. Service accounts active around the
 * clock have no rare hours; a nightly job's own night is its busiest hour.
 * New principals (first seen after the partition's first `learning_hours`) stay quiet for
 * `new_principal_grace_days` — a new hire's first week pages no one; every principal is
 * judged only after `learning_hours` of its own history, and an hour of day only once the
 * principal has been observed through it on `min_days_at_hour` days.
 * State per principal: `live` (≈ 140 B, the sliding hour, written per event) and
 * `profile` (≈ 320 B, 168 8-bit bins, written once per active hour); per role one value
 * of 170 numbers. Cost per event: O(1); O(168) once per active hour with enough events
 * (the hour's rates, kept in `live`).
 */
import type { AccessEvent } from '../../../shared/events/types.ts';
import { defineDetector, type Detector, type Finding } from '../../../shared/pipeline/detector.ts';
import type { DetectorState, KeyedState } from '../../../shared/pipeline/keyed-state.ts';
import { negBinomialSurprise } from '../../../shared/stats/count-tails.ts';
import { DAY_MS, HOUR_MS, PartitionStart, roleOf, sensitivityRank } from '../access-common.ts';
import { offHoursConfig, type OffHoursConfig } from './off-hours-config.ts';
import { SENS_BONUS, offHoursFinding } from './off-hours-finding.ts';
import { expectedRates, hourOfWeek, type RateScratch, type Rates } from './off-hours-rates.ts';
import {
  BINS,
  BUCKETS,
  BUCKET_MS,
  LIVE_LEN,
  L_COUNT,
  L_GATE,
  L_HCOUNT,
  L_HEAD,
  L_HOUR,
  L_SENS,
  ROLE_LEN,
  SCALE,
  liveCodec,
  profileCodec,
  roleCodec,
  type Profile,
} from './off-hours-state.ts';

class OffHoursDetector implements Detector<AccessEvent> {
  private readonly live: KeyedState<Float32Array>;
  private readonly profiles: KeyedState<Profile>;
  private readonly roles: KeyedState<Float64Array>;
  private readonly start: PartitionStart;
  private readonly scratch: RateScratch = {
    nH: new Float64Array(24),
    eH: new Float64Array(24),
    rH: new Float64Array(24),
    lambdaH: new Float64Array(24),
    evidenceH: new Float64Array(24),
  };

  constructor(
    private readonly c: OffHoursConfig,
    state: DetectorState,
  ) {
    this.live = state.keyed('live', { codec: liveCodec });
    this.profiles = state.keyed('profile', { codec: profileCodec });
    this.roles = state.keyed('role', { codec: roleCodec });
    this.start = new PartitionStart(state);
  }

  update(e: AccessEvent): Finding | null {
    const first = this.start.observe(e.ts);
    const t = e.ts;
    const hour = Math.floor(t / HOUR_MS);
    const role = roleOf(e);
    let a = this.live.get(e.principal);
    if (a === undefined) {
      a = new Float32Array(LIVE_LEN);
      a[L_HEAD] = Math.floor(t / BUCKET_MS);
      a[L_HOUR] = hour;
      this.live.put(e.principal, a);
    }
    if ((a[L_HOUR] as number) < hour) this.closeHour(e.principal, role, a, hour);
    else if ((a[L_HOUR] as number) > hour) return null; // older than the open hour
    a[L_HCOUNT] = (a[L_HCOUNT] as number) + 1;

    const idx = Math.floor(t / BUCKET_MS);
    const head = a[L_HEAD] as number;
    if (idx > head) {
      for (let b = head + 1; b <= Math.min(idx, head + BUCKETS); b++) {
        a[L_COUNT + (b % BUCKETS)] = 0;
        a[L_SENS + (b % BUCKETS)] = 0;
      }
      a[L_HEAD] = idx;
    } else if (idx <= head - BUCKETS) return null;
    const k = idx % BUCKETS;
    a[L_COUNT + k] = (a[L_COUNT + k] as number) + 1;
    const rank = sensitivityRank(e);
    const level = rank + (rank === 3 && e.resource_type === 'secret' ? 1 : 0);
    if (level + 1 > (a[L_SENS + k] as number)) a[L_SENS + k] = level + 1;
    let n = 0;
    let sens = 0;
    for (let i = 0; i < BUCKETS; i++) {
      n += a[L_COUNT + i] as number;
      if ((a[L_SENS + i] as number) > sens) sens = a[L_SENS + i] as number;
    }
    if (n < this.c.min_events) return null;

    const profile = this.profiles.peek(e.principal);
    if (profile === undefined) return null;
    const since = profile.m[3] as number;
    if (t - since < this.c.learning_hours * HOUR_MS) return null;
    const learningMs = this.c.learning_hours * HOUR_MS;
    if (since - first >= learningMs && t - since < this.c.new_principal_grace_days * DAY_MS) return null;
    let gate = a[L_GATE] as number;
    if (gate === 0) {
      const r = expectedRates(this.c, this.scratch, profile, this.roles.peek(role), hour);
      gate = r === null || r.lambda > this.c.rare_share * r.busiest ? 1 : 2;
      a[L_GATE] = gate;
      if (r !== null) a.set([r.shape, r.beta, r.lambda, r.busiest], L_GATE + 1);
    }
    if (gate !== 2) return null;
    const rates: Rates = {
      shape: a[L_GATE + 1] as number,
      beta: a[L_GATE + 2] as number,
      lambda: a[L_GATE + 3] as number,
      busiest: a[L_GATE + 4] as number,
    };
    const surprise = negBinomialSurprise(n, rates.shape, rates.beta / (rates.beta + 1));
    const level2 = Math.max(0, sens - 1);
    const total = surprise + (SENS_BONUS[level2] as number);
    if (total < this.c.surprise_threshold) return null;
    return offHoursFinding(this.c, e, role, n, rates, surprise, level2, total);
  }

  /** Adds the closed hour to the principal's profile and its role's shape. */
  private closeHour(principal: string, role: string, a: Float32Array, hour: number): void {
    const count = a[L_HCOUNT] as number;
    const closed = a[L_HOUR] as number;
    if (count > 0) {
      let p = this.profiles.get(principal);
      if (p === undefined) {
        p = {
          m: Float64Array.of(closed, Math.floor(closed / 168), 0, closed * HOUR_MS, closed),
          bins: new Uint8Array(BINS),
        };
        this.profiles.put(principal, p);
      }
      const week = Math.floor(closed / 168);
      const weeks = week - (p.m[1] as number);
      if (weeks > 0) {
        // Weekly decay of the counts, and of the exposure by moving the effective start.
        const g = Math.pow(this.c.weekly_decay, weeks);
        for (let i = 0; i < BINS; i++) p.bins[i] = Math.round((p.bins[i] as number) * g);
        p.m[2] = (p.m[2] as number) * g;
        p.m[0] = closed - Math.round((closed - (p.m[0] as number)) * g);
        p.m[1] = week;
      }
      const b = hourOfWeek(closed);
      p.bins[b] = Math.min(255, (p.bins[b] as number) + Math.round(count * SCALE));
      p.m[2] = (p.m[2] as number) + count;
      let r = this.roles.get(role);
      if (r === undefined) this.roles.put(role, (r = new Float64Array(ROLE_LEN)));
      r[b] = (r[b] as number) + count;
      r[BINS] = (r[BINS] as number) + count;
      // Principal-hours of exposure since this principal's previous active hour (capped at a week).
      r[BINS + 1] = (r[BINS + 1] as number) + Math.min(168, Math.max(1, closed - (p.m[4] as number)));
      p.m[4] = closed;
    }
    a[L_HOUR] = hour;
    a[L_HCOUNT] = 0;
    a[L_GATE] = 0;
  }
}

export const offHours = defineDetector({
  id: 'access.off_hours',
  eventType: 'access',
  category: 'access',
  description:
    'Activity at an hour of the week that is rare for the principal (learned profile, role prior), scored by sensitivity.',
  config: offHoursConfig,
  create: (config, state) => new OffHoursDetector(config, state),
});
