/**
 * access.denied_burst — a burst of denied attempts by one principal (someone probing
 * permissions), judged against that principal's own denial rate.
 *
 * Statistic: the number d of denied events in a sliding event-time window
 * (`window_minutes`) against the principal's rate of denials per active hour. The rate
 * is learned as a gamma posterior — denials D over active hours H, both decaying with a
 * half-life, plus a prior of `prior_hours` pseudo-hours at the role's rate (the role's rate
 * itself learned per partition from the principals of the role that partition sees). The
 * predictive count in a window is then negative binomial (a Poisson whose rate is
 * uncertain), and the detector alerts when −log10 P(N ≥ d) ≥ `surprise_threshold` and
 * d ≥ `min_denials`. A principal that is often denied (a misconfigured job) has a high
 * rate and stays quiet; one that is almost never denied alerts on a handful in minutes.
 * Every denial teaches the principal's rate (the test uses the rate before it). The role's
 * rate is the exp of its mean ln(1 + denials) per principal-hour, so one always-denied
 * member barely moves its peers' prior.
 * State per principal: one small value (≈ 195 B encoded: rates, the last 12 denial
 * times, 3 sample ids), written on denied events and on the first event of each
 * active hour; per role one tiny value. Cost per event: a map lookup; the tail is computed
 * only for denied events.
 */
import { z } from 'zod';
import type { AccessEvent } from '../../../shared/events/types.ts';
import { defineDetector, type Detector, type Finding } from '../../../shared/pipeline/detector.ts';
import type { DetectorState, KeyedState, StateCodec } from '../../../shared/pipeline/keyed-state.ts';
import { negBinomialSurprise } from '../../../shared/stats/count-tails.ts';
import { packArray, unpackF64, unpackU32 } from '../../../shared/stats/packed.ts';
import { DAY_MS, HOUR_MS, clampScore, fmt, roleOf, sensitivityRank, severityOf } from '../access-common.ts';
import { arrayText, packedText } from '../state-text.ts';

interface DeniedBurstConfig {
  window_minutes: number;
  surprise_threshold: number;
  min_denials: number;
  prior_hours: number;
  prior_rate_per_hour: number;
  half_life_days: number;
}

const RING = 12;
const SAMPLE_IDS = 3;
/** [hour, H, D, last decay time, ring head, denials this hour]. */
const A_HOUR = 0;
const A_H = 1;
const A_D = 2;
const A_T = 3;
const A_HEAD = 4;
const A_HD = 5;
const LEN = 6;

interface Live {
  a: Float64Array;
  /** Times of the latest denials, epoch seconds (a ring). */
  ring: Uint32Array;
  /** Latest denied event ids, newest last. */
  ids: string[];
}

const liveCodec: StateCodec<Live> = {
  encode: (v) => [packArray(v.a), packArray(v.ring), ...v.ids],
  encodeText: (v) =>
    arrayText([], packedText(v.a), packedText(v.ring), ...v.ids.map((id) => JSON.stringify(id))),
  decode: (json) => {
    const [a, ring, ...ids] = json as string[];
    return { a: unpackF64(a as string, LEN), ring: unpackU32(ring as string, RING), ids };
  },
};
/**
 * Role: [principal-hours seen, mean of ln(1 + denials) per principal-hour]. A log mean, so
 * one member that is denied all day does not raise its peers' expected rate much.
 */
const roleCodec: StateCodec<Float64Array> = {
  encode: (v) => packArray(v),
  encodeText: packedText,
  decode: (json) => unpackF64(json as string, 2),
};

class DeniedBurstDetector implements Detector<AccessEvent> {
  private readonly windowMs: number;
  private readonly live: KeyedState<Live>;
  private readonly roles: KeyedState<Float64Array>;
  private readonly lambdaHalf: number;

  constructor(
    private readonly c: DeniedBurstConfig,
    state: DetectorState,
  ) {
    this.windowMs = c.window_minutes * 60_000;
    this.lambdaHalf = c.half_life_days * DAY_MS;
    this.live = state.keyed('live', { codec: liveCodec });
    this.roles = state.keyed('role', { codec: roleCodec });
  }

  private decay(a: Float64Array, t: number): void {
    const dt = t - (a[A_T] as number);
    if (dt <= 0) return;
    const f = Math.pow(0.5, dt / this.lambdaHalf);
    a[A_H] = (a[A_H] as number) * f;
    a[A_D] = (a[A_D] as number) * f;
    a[A_T] = t;
  }

  update(e: AccessEvent): Finding | null {
    const t = e.ts;
    const hour = Math.floor(t / HOUR_MS);
    const denied = e.outcome === 'denied';
    const seen = this.live.peek(e.principal);
    if (!denied && seen !== undefined && (seen.a[A_HOUR] as number) >= hour) return null;
    const role = roleOf(e);
    let live = this.live.get(e.principal);
    if (live === undefined) {
      const a = new Float64Array(LEN);
      a[A_HOUR] = -1;
      a[A_T] = t;
      live = { a, ring: new Uint32Array(RING), ids: [] };
      this.live.put(e.principal, live);
    }
    const a = live.a;
    this.decay(a, t);
    if ((a[A_HOUR] as number) < hour) {
      // A new active hour: exposure for the principal; the closed one teaches the role.
      if ((a[A_HOUR] as number) >= 0) {
        let r = this.roles.get(role);
        if (r === undefined) this.roles.put(role, (r = new Float64Array(2)));
        const n = (r[0] as number) + 1;
        r[0] = n;
        r[1] =
          (r[1] as number) + Math.max(1 / n, 1 / 5000) * (Math.log1p(a[A_HD] as number) - (r[1] as number));
      }
      a[A_HOUR] = hour;
      a[A_H] = (a[A_H] as number) + 1;
      a[A_HD] = 0;
    }
    if (!denied) return null;
    a[A_HD] = (a[A_HD] as number) + 1;

    const now = Math.floor(t / 1000);
    const from = now - this.windowMs / 1000;
    let d = 1;
    for (let i = 0; i < RING; i++) {
      const ts = live.ring[i] as number;
      if (ts > 0 && ts > from && ts <= now) d++;
    }
    const head = a[A_HEAD] as number;
    live.ring[head] = now;
    a[A_HEAD] = (head + 1) % RING;
    live.ids.push(e.event_id);
    if (live.ids.length > SAMPLE_IDS) live.ids.shift();

    const r = this.roles.peek(role);
    const kr = 100;
    const rn = r === undefined ? 0 : (r[0] as number);
    const roleLog = r === undefined ? 0 : (r[1] as number);
    const roleRate = (rn * Math.expm1(roleLog) + kr * this.c.prior_rate_per_hour) / (rn + kr);
    const shape = (a[A_D] as number) + this.c.prior_hours * roleRate;
    const windowsPerHour = 60 / this.c.window_minutes;
    const beta = ((a[A_H] as number) + this.c.prior_hours) * windowsPerHour;
    const p = beta / (beta + 1);
    const surprise = negBinomialSurprise(d, shape, p);
    // Every denial teaches the principal's rate: a job that is always denied stops alerting
    // once learned (the test used the rate before this denial).
    a[A_D] = (a[A_D] as number) + 1;
    const alerting = d >= this.c.min_denials && surprise >= this.c.surprise_threshold;
    if (!alerting) return null;
    const expected = shape / beta;
    let upper = Math.max(this.c.min_denials, Math.ceil(expected));
    while (upper < d && negBinomialSurprise(upper, shape, p) < this.c.surprise_threshold) upper++;
    const sensitive = sensitivityRank(e) >= 2;
    const score = clampScore(
      50 + 3 * (surprise - this.c.surprise_threshold) + 6 * Math.log2(d) + (sensitive ? 8 : 0),
    );
    const hourlyRate = shape / ((a[A_H] as number) + this.c.prior_hours);
    return {
      entity: { type: 'principal', id: e.principal },
      severity: severityOf(score),
      score,
      title: `Burst of denied access by ${e.principal}`,
      description:
        `${e.principal} (role ${role}) was denied ${d} times in ${this.c.window_minutes} min ` +
        `(latest: ${e.action} on ${e.resource}); its own rate predicts ${fmt(expected, 2)} ` +
        `(${fmt(hourlyRate, 2)} per active hour, alert from ${upper}); P(N ≥ ${d}) = 1e-${fmt(surprise)}.`,
      explanation: {
        statistic:
          'negative binomial upper tail of denials in the window (gamma–Poisson on the own denial rate per active hour, role prior)',
        observed: d,
        expected,
        expected_range: [0, upper - 1],
        threshold: `-log10 p >= ${this.c.surprise_threshold} and >= ${this.c.min_denials} denials`,
        window: `${this.c.window_minutes} min sliding`,
        surprise_log10: surprise,
        rate_per_active_hour: hourlyRate,
        role_rate_per_active_hour: roleRate,
        role,
        resource: e.resource,
        action: e.action,
      },
      techniques: ['T1069.003', 'T1078'],
      sampleEventIds: [...live.ids],
    };
  }
}

export const deniedBurst = defineDetector({
  id: 'access.denied_burst',
  eventType: 'access',
  category: 'access',
  description: 'A burst of denied attempts by a principal (permission probing), against its own denial rate.',
  config: {
    window_minutes: z
      .number()
      .positive()
      .max(1440)
      .default(10)
      .describe('Sliding window in which denials are counted, minutes.'),
    surprise_threshold: z
      .number()
      .positive()
      .default(6)
      .describe('Alert when the probability of this many denials in the window is below 10^-this.'),
    min_denials: z
      .number()
      .int()
      .min(1)
      .default(3)
      .describe('Never alert on fewer denials than this in the window.'),
    prior_hours: z
      .number()
      .positive()
      .default(24)
      .describe("Weight of the role's denial rate in a principal's, in pseudo active hours."),
    prior_rate_per_hour: z
      .number()
      .positive()
      .default(0.02)
      .describe('Denials per active hour assumed for a role before it has shown its own.'),
    half_life_days: z
      .number()
      .positive()
      .default(14)
      .describe('Half-life of the learned denial rates, days.'),
  },
  create: (config, state) => new DeniedBurstDetector(config, state),
});
