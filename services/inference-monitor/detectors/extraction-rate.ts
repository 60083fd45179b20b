/**
 * inference.extraction.rate — a principal's query volume on a model far above both its
 * own seasonal baseline and what its peers on that model do; requests for full
 * probability vectors (`logprobs_requested`) raise the score.
 *
 * Statistic: the count k of the principal's requests to the model in the last hour
 * (six 10-minute buckets, sliding) against
 *  - its own baseline λ, learned per hour of day for weekdays and weekends (48 bins, an
 *    exponentially weighted mean of completed hourly counts, empty hours included), and
 *    never below `busy_floor` × its own busiest bin, so working late at the usual pace is
 *    not "far above" — k must exceed `own_factor` × λ with a Poisson tail
 *    P(X ≥ k | λ) ≤ 10^−`min_surprise`;
 *  - its peers: the `peer_quantile` of the hourly counts of every principal-hour on the
 *    model (a forgetting log₂ histogram per model) — k must exceed `peer_factor` × it.
 * A principal that has always been heavy has a heavy baseline and stays quiet; a new
 * principal (no own baseline yet) is judged against its peers alone. Both baselines are
 * learned from the events of this partition (inference events are partitioned by model,
 * so a model's peers are all here).
 *
 * State: store `principals` (key principal × model): the sliding buckets, the current
 * hour's count and the 48-bin profile in one 368-byte buffer — ≈ 0.6 kB of changelog
 * JSON (base64); store
 * `peers` (key model): 16 histogram weights. Cost per event: O(1); the Poisson tail is
 * computed only when k already passes the ratio tests.
 */
import type { InferenceEvent, Severity } from '../../../shared/events/types.ts';
import { defineDetector, type Detector, type Finding } from '../../../shared/pipeline/detector.ts';
import type { DetectorState, KeyedState } from '../../../shared/pipeline/keyed-state.ts';
import { poissonSurprise } from '../../../shared/stats/count-tails.ts';
import { principalModelKey } from '../entity-keys.ts';
import { fmt, round } from '../packed.ts';
import { RATE_CONFIG, type RateConfig } from './extraction-rate-config.ts';
import {
  BINS,
  binOf,
  COUNTS,
  FIRST,
  HOUR,
  HOUR_COUNT,
  learnHour,
  LOGPROBS,
  PEER_BINS,
  principalRateCodec,
  rateState,
  SLOT,
  SLOTS,
  type PeerHistogram,
  type PrincipalRate,
} from './extraction-rate-state.ts';

const HOUR_MS = 3_600_000;
const SLOT_MS = 10 * 60_000;
/** Hours of silence after which no further empty hours are folded into the profile. */
const MAX_GAP_HOURS = 7 * 24;

class RateDetector implements Detector<InferenceEvent> {
  private readonly principals: KeyedState<PrincipalRate>;
  private readonly peers: KeyedState<PeerHistogram>;
  private readonly forget: number;

  constructor(
    private readonly config: RateConfig,
    state: DetectorState,
  ) {
    this.principals = state.keyed('principals', { codec: principalRateCodec });
    this.peers = state.keyed('peers');
    // About `peer_min_hours` × 10 principal-hours of memory.
    this.forget = 1 - 1 / (config.peer_min_hours * 10);
  }

  update(event: InferenceEvent): Finding | null {
    const key = principalModelKey(event.principal, event.model_id);
    const t = event.ts;
    const hour = Math.floor(t / HOUR_MS);
    const slot = Math.floor(t / SLOT_MS);
    let s = this.principals.get(key);
    if (s === undefined) {
      s = rateState();
      s.f[FIRST] = t;
      s.f[HOUR] = hour;
      s.f[SLOT] = slot;
      this.principals.put(key, s);
    }
    const f = s.f;
    if (hour > (f[HOUR] as number)) this.closeHours(s, hour, event.model_id);
    const last = f[SLOT] as number;
    if (slot > last) {
      for (let i = last + 1; i <= Math.min(slot, last + SLOTS); i++) {
        f[COUNTS + (i % SLOTS)] = 0;
        f[LOGPROBS + (i % SLOTS)] = 0;
      }
      f[SLOT] = slot;
    }
    // Events up to an hour late still count in their own slot; older ones only in totals.
    if (slot > (f[SLOT] as number) - SLOTS) {
      const i = ((slot % SLOTS) + SLOTS) % SLOTS;
      f[COUNTS + i] = (f[COUNTS + i] as number) + 1;
      if (event.logprobs_requested === true) f[LOGPROBS + i] = (f[LOGPROBS + i] as number) + 1;
    }
    if (hour === f[HOUR]) f[HOUR_COUNT] = (f[HOUR_COUNT] as number) + 1;
    return this.judge(s, event, hour);
  }

  /** Folds the finished hour and the empty hours since into the profile and the peers. */
  private closeHours(s: PrincipalRate, hour: number, model: string): void {
    const alpha = this.config.profile_alpha;
    const f = s.f;
    const prev = f[HOUR] as number;
    const count = f[HOUR_COUNT] as number;
    learnHour(s, alpha, prev, count);
    if (count > 0) this.learnPeer(model, count);
    const last = Math.min(hour - 1, prev + MAX_GAP_HOURS);
    for (let h = prev + 1; h <= last; h++) learnHour(s, alpha, h, 0);
    f[HOUR] = hour;
    f[HOUR_COUNT] = 0;
  }

  private learnPeer(model: string, count: number): void {
    let p = this.peers.get(model);
    if (p === undefined) {
      p = { v: 1, w: new Array<number>(PEER_BINS).fill(0), n: 0 };
      this.peers.put(model, p);
    }
    const f = this.forget;
    for (let i = 0; i < PEER_BINS; i++) p.w[i] = (p.w[i] as number) * f;
    p.n = p.n * f + 1;
    const b = Math.min(PEER_BINS - 1, Math.floor(Math.log2(count)));
    p.w[b] = (p.w[b] as number) + 1;
  }

  /** Upper edge of the log₂ bin holding the peers' `q` quantile, or NaN before enough hours. */
  private peerLevel(model: string): number {
    const p = this.peers.peek(model);
    if (p === undefined || p.n < this.config.peer_min_hours) return Number.NaN;
    const target = this.config.peer_quantile * p.n;
    let acc = 0;
    for (let b = 0; b < PEER_BINS; b++) {
      acc += p.w[b] as number;
      if (acc >= target) return 2 ** (b + 1) - 1;
    }
    return 2 ** PEER_BINS - 1;
  }

  private judge(s: PrincipalRate, event: InferenceEvent, hour: number): Finding | null {
    const cfg = this.config;
    let k = 0;
    let lp = 0;
    for (let i = 0; i < SLOTS; i++) {
      k += s.f[COUNTS + i] as number;
      lp += s.f[LOGPROBS + i] as number;
    }
    if (k < cfg.min_count) return null;
    const peer = this.peerLevel(event.model_id);
    if (!(k >= cfg.peer_factor * peer)) return null; // NaN (peers not learned) never passes
    const learned = event.ts - (s.f[FIRST] as number) >= cfg.own_learning_hours * HOUR_MS;
    let own = Number.NaN;
    let surprise = Number.NaN;
    if (learned) {
      let busy = 0;
      for (let b = 0; b < BINS; b++) busy = Math.max(busy, s.profile[b] as number);
      const b = binOf(hour);
      const seasonal = (s.samples[b] as number) > 0 ? (s.profile[b] as number) : 0;
      own = Math.max(seasonal, cfg.busy_floor * busy, 0.5);
      if (!(k >= cfg.own_factor * own)) return null;
      surprise = k > own ? poissonSurprise(k, own) : 0;
      if (surprise < cfg.min_surprise) return null;
    }
    return this.finding(event, k, lp, own, surprise, peer);
  }

  private finding(
    event: InferenceEvent,
    k: number,
    lp: number,
    own: number,
    surprise: number,
    peer: number,
  ): Finding {
    const share = lp / k;
    const versus = Number.isFinite(own) ? own : peer;
    const score = Math.min(100, 35 + 8 * Math.log2(k / Math.max(versus, 0.5)) + 25 * share);
    const severity: Severity = score >= 85 ? 'critical' : score >= 65 ? 'high' : 'medium';
    const ownText = Number.isFinite(own)
      ? `its own baseline of ${fmt(own)} an hour at this hour (Poisson tail 10^-${surprise.toFixed(1)})`
      : 'no own baseline yet (new to this model)';
    const lpText = lp > 0 ? `; ${lp} (${Math.round(share * 100)} %) asked for full probability vectors` : '';
    return {
      entity: { type: 'principal', id: event.principal },
      severity,
      score,
      title: `Query volume of ${event.principal} on ${event.model_id} far above baseline`,
      description:
        `${event.principal} sent ${k} requests to ${event.model_id} in the last hour, against ${ownText} ` +
        `and ${fmt(peer)} an hour for its busiest peers (${Math.round(this.config.peer_quantile * 100)}th percentile)${lpText}.`,
      explanation: {
        statistic: 'hourly request count vs own seasonal baseline (Poisson tail) and peers’ quantile',
        observed: k,
        expected: Number.isFinite(own) ? round(own, 3) : peer,
        threshold: `> ${this.config.own_factor}× own and > ${this.config.peer_factor}× peers, tail ≤ 1e-${this.config.min_surprise}`,
        expected_range: [
          0,
          round(
            Math.max(
              this.config.own_factor * (Number.isFinite(own) ? own : 0),
              this.config.peer_factor * peer,
            ),
            3,
          ),
        ],
        window:
          '60 min sliding (10-min buckets); own baseline per hour of day, weekdays and weekends; peers on the same model',
        own_baseline_per_hour: Number.isFinite(own) ? round(own, 3) : null,
        own_surprise_log10: Number.isFinite(surprise) ? round(surprise, 2) : null,
        peer_level_per_hour: peer,
        logprobs_requests: lp,
        logprobs_share: round(share, 3),
        model: event.model_id,
      },
      techniques: ['AML.T0024.002', 'AML.T0040'],
      episodeKey: event.model_id,
    };
  }
}

export const extractionRate = defineDetector({
  id: 'inference.extraction.rate',
  eventType: 'inference',
  category: 'extraction',
  description:
    "A principal's query volume on a model far above its own seasonal baseline and its peers'; full probability vectors raise the score.",
  config: RATE_CONFIG,
  create: (config, state) => new RateDetector(config, state),
});
