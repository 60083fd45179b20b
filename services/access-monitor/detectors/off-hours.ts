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
import { z } from 'zod';
import type { AccessEvent } from '../../../shared/events/types.ts';
import { defineDetector, type Detector, type Finding } from '../../../shared/pipeline/detector.ts';
import type { DetectorState, KeyedState, StateCodec } from '../../../shared/pipeline/keyed-state.ts';
import { negBinomialSurprise } from '../../../shared/stats/count-tails.ts';
import { packArray, unpackF32, unpackF64 } from '../../../shared/stats/packed.ts';
import {
  DAY_MS,
  HOUR_MS,
  PartitionStart,
  SENSITIVITY_NAMES,
  clampScore,
  fmt,
  roleOf,
  sensitivityRank,
  severityOf,
} from '../access-common.ts';
import { arrayText, packedText } from '../state-text.ts';

interface OffHoursConfig {
  rare_share: number;
  surprise_threshold: number;
  min_events: number;
  prior_days: number;
  pool_weight: number;
  weekly_decay: number;
  learning_hours: number;
  new_principal_grace_days: number;
  min_days_at_hour: number;
}

/** 1970-01-01 was a Thursday: hour-of-week 0 is Monday 00:00 UTC. */
const MONDAY_OFFSET_MS = 4 * DAY_MS;
const BINS = 168;
const SCALE = 2; // bins hold counts × 2 (half events survive the weekly decay), up to 255
const BUCKETS = 6;
const BUCKET_MS = 10 * 60_000;
/** Live: [head bucket, counts×6, sensitivity level+1 ×6, open hour, its count]. */
const L_HEAD = 0;
const L_COUNT = 1;
const L_SENS = 1 + BUCKETS;
const L_HOUR = 1 + 2 * BUCKETS;
const L_HCOUNT = L_HOUR + 1;
/**
 * The open hour's rates, computed once per hour (the profile only changes when an hour
 * closes): [0 = not yet, 1 = not rare, 2 = rare], negative binomial shape and rate, λ, busiest.
 */
const L_GATE = L_HCOUNT + 1;
const LIVE_LEN = L_GATE + 5;
const SENS_BONUS = [-1, 0, 1, 2, 3];
const SENS_LABEL = [...SENSITIVITY_NAMES, 'restricted secret'];

interface Profile {
  /** Effective first-seen time (moves forward with the decay), the week of the last decay, total events. */
  m: Float64Array;
  /** Events per hour-of-week bin × SCALE, saturating at 255 (a busy bin is simply busy). */
  bins: Uint8Array;
}

const profileCodec: StateCodec<Profile> = {
  encode: (v) => [...v.m, packArray(v.bins)],
  encodeText: (v) => arrayText(v.m, packedText(v.bins)),
  decode: (json) => {
    const j = json as [number, number, number, number, number, string];
    return { m: Float64Array.of(j[0], j[1], j[2], j[3], j[4]), bins: unpackU8(j[5], BINS) };
  },
};

function unpackU8(text: string, length: number): Uint8Array {
  const b = Buffer.from(text, 'base64');
  if (b.length !== length) throw new TypeError(`profile: expected ${length} bins, got ${b.length}`);
  return new Uint8Array(b);
}
// Float32 holds the 10-minute bucket and hour indices exactly (< 2^24) and small counts.
const liveCodec: StateCodec<Float32Array> = {
  encode: (v) => packArray(v),
  encodeText: packedText,
  decode: (json) => unpackF32(json as string, LIVE_LEN),
};
/** Role: [events per hour-of-week bin ×168, events, principal-hours of exposure]. */
const ROLE_LEN = BINS + 2;
const roleCodec: StateCodec<Float64Array> = {
  encode: (v) => packArray(v),
  encodeText: packedText,
  decode: (json) => unpackF64(json as string, ROLE_LEN),
};

const hourOfWeek = (hour: number): number => (((hour - MONDAY_OFFSET_MS / HOUR_MS) % BINS) + BINS) % BINS;

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

interface Rates {
  lambda: number;
  shape: number;
  beta: number;
  busiest: number;
}

class OffHoursDetector implements Detector<AccessEvent> {
  private readonly live: KeyedState<Float32Array>;
  private readonly profiles: KeyedState<Profile>;
  private readonly roles: KeyedState<Float64Array>;
  private readonly start: PartitionStart;
  /** Working arrays of `rates` (hour-of-day sums), reused: every call fills them first. */
  private readonly scratch = {
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
      const r = this.rates(profile, this.roles.peek(role), hour);
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
    return this.finding(e, role, n, rates, surprise, level2, total);
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

  /** Expected events in the current hour-of-week bin and the predictive's parameters. */
  private rates(p: Profile, role: Float64Array | undefined, hour: number): Rates | null {
    const from = p.m[0] as number;
    const exposureHours = hour - from;
    if (exposureHours < 24) return null;
    const fromBin = hourOfWeek(from);
    // Hour-of-day sums over the seven days: counts and exposures, then a ±1 h kernel.
    const { nH, eH, rH, lambdaH, evidenceH } = this.scratch;
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
      evidenceH[h] = exposure + this.c.prior_days;
      const shape = roleMean > 0 ? smooth(rH, h) / roleMean : 1;
      const prior = scale * shape;
      lambdaH[h] = (smooth(nH, h) + this.c.prior_days * prior) / (exposure + this.c.prior_days);
      if ((lambdaH[h] as number) > busiest) busiest = lambdaH[h] as number;
    }
    const b = hourOfWeek(hour);
    const h = b % 24;
    // Judge an hour of day only after the principal was observed through it on enough days.
    if (smooth(eH, h) < this.c.min_days_at_hour) return null;
    const eb = occurrences(b, from, fromBin, hour);
    // The hour-of-day estimate stands in for the bin with a share (`pool_weight`) of its evidence.
    const kappa = this.c.pool_weight * (evidenceH[h] as number);
    const shape = (p.bins[b] as number) / SCALE + kappa * (lambdaH[h] as number);
    const beta = eb + kappa;
    return { lambda: shape / beta, shape: Math.max(1e-6, shape), beta, busiest };
  }

  private finding(
    e: AccessEvent,
    role: string,
    n: number,
    r: Rates,
    surprise: number,
    level: number,
    total: number,
  ): Finding {
    const score = clampScore(45 + 4 * (total - this.c.surprise_threshold) + 6 * level);
    const how = SENS_LABEL[level] ?? 'internal';
    const at = new Date(e.ts);
    const day = at.toUTCString().slice(0, 3);
    const hh = String(at.getUTCHours()).padStart(2, '0');
    let upper = this.c.min_events;
    while (
      upper < n &&
      negBinomialSurprise(upper, r.shape, r.beta / (r.beta + 1)) + (SENS_BONUS[level] as number) <
        this.c.surprise_threshold
    )
      upper++;
    return {
      entity: { type: 'principal', id: e.principal },
      severity: severityOf(score),
      score,
      title: `Off-hours activity by ${e.principal}`,
      description:
        `${e.principal} (role ${role}) made ${n} accesses in the last hour (${day} ${hh}:00 UTC, up to ${how} data, latest ${e.action} ${e.resource}); ` +
        `its profile expects ${fmt(r.lambda, 2)} at this hour of the week (busiest hour ${fmt(r.busiest, 2)}); ` +
        `P(N ≥ ${n}) = 1e-${fmt(surprise)}, with the sensitivity bonus ${fmt(total)} ≥ ${this.c.surprise_threshold}.`,
      explanation: {
        statistic:
          'negative binomial upper tail of events in the sliding hour, against the hour-of-week profile (role prior), plus a sensitivity bonus',
        observed: n,
        expected: r.lambda,
        expected_range: [0, upper - 1],
        threshold: `rate < ${this.c.rare_share} x busiest hour; -log10 p + bonus >= ${this.c.surprise_threshold}; >= ${this.c.min_events} events`,
        window: '60 min sliding; profile per hour of week (UTC)',
        surprise_log10: surprise,
        sensitivity: how,
        busiest_hour_rate: r.busiest,
        hour_of_week_utc: `${day} ${hh}:00`,
        role,
        resource: e.resource,
      },
      techniques: ['T1078'],
    };
  }
}

export const offHours = defineDetector({
  id: 'access.off_hours',
  eventType: 'access',
  category: 'access',
  description:
    'Activity at an hour of the week that is rare for the principal (learned profile, role prior), scored by sensitivity.',
  config: {
    rare_share: z
      .number()
      .positive()
      .max(1)
      .default(0.1)
      .describe(
        "An hour is rare when its expected rate is below this share of the principal's busiest hour.",
      ),
    surprise_threshold: z
      .number()
      .positive()
      .default(5)
      .describe('Alert when −log10 P(events in the hour) plus the sensitivity bonus reaches this.'),
    min_events: z
      .number()
      .int()
      .min(1)
      .default(3)
      .describe('Events in the sliding hour before a rare hour is judged.'),
    prior_days: z
      .number()
      .positive()
      .default(3)
      .describe("Weight of the role's hour-of-day shape, in pseudo-days."),
    pool_weight: z
      .number()
      .positive()
      .max(1)
      .default(0.5)
      .describe(
        'Share of the hour-of-day evidence (over all days) that an hour-of-week bin borrows as its prior.',
      ),
    weekly_decay: z
      .number()
      .gt(0)
      .max(1)
      .default(0.85)
      .describe('Factor applied to the profile each week (memory of about 6 weeks).'),
    learning_hours: z
      .number()
      .min(0)
      .default(24)
      .describe("Hours of a principal's own history before it is judged; also the partition's bootstrap."),
    new_principal_grace_days: z
      .number()
      .min(0)
      .default(7)
      .describe("Days a principal first seen after the bootstrap is not judged (a new hire's first week)."),
    min_days_at_hour: z
      .number()
      .min(0)
      .default(2)
      .describe(
        'Days the principal must have been observed through an hour of day (±1 h kernel) before that hour is judged.',
      ),
  },
  create: (config, state) => new OffHoursDetector(config, state),
});
