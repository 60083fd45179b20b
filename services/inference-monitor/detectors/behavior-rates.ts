/**
 * inference.behavior's rate test. Each counted kind of request (refused, policy-flagged,
 * error, rate-limited, and all requests) is counted in six 10-minute slots of the last
 * hour and in long-run counts decayed with the baseline half-life; the hour's count is
 * judged by its binomial tail against the long-run rate (a principal's shrunk towards its
 * model's, so a newcomer is judged against the model). The counting runs on every event:
 * plain loops over the Float64Array, nothing allocated.
 */
import type { InferenceEvent } from '../../../shared/events/types.ts';
import type { Finding } from '../../../shared/pipeline/detector.ts';
import { binomialSurprise } from '../../../shared/stats/count-tails.ts';
import type { BehaviorConfig } from './behavior-config.ts';
import { rateFinding } from './behavior-finding.ts';
import {
  C_LONG,
  C_LONG_AT,
  C_RECENT,
  C_SLOT,
  K,
  SLOT_MS,
  SLOTS,
  type Counts,
  type Kind,
} from './behavior-state.ts';

/** Bit k set when the event counts as KINDS[k] (bit 0: every request). */
export function kindsOf(e: InferenceEvent): number {
  let bits = 1;
  if (e.status === 'refused') bits |= 1 << 1;
  if (e.policy_flags !== undefined && e.policy_flags.length > 0) bits |= 1 << 2;
  if (e.status === 'error') bits |= 1 << 3;
  if (e.status === 'rate_limited') bits |= 1 << 4;
  return bits;
}

export function initCounts(c: Counts, t: number): Counts {
  c[C_SLOT] = Math.floor(t / SLOT_MS);
  c[C_LONG_AT] = t;
  return c;
}

/** Adds the event to the last hour's slots. */
export function countInHour(c: Counts, t: number, kinds: number): void {
  const slot = Math.floor(t / SLOT_MS);
  const last = c[C_SLOT] as number;
  if (slot > last) {
    for (let s = last + 1; s <= Math.min(slot, last + SLOTS); s++) {
      const base = C_RECENT + (s % SLOTS) * K;
      for (let k = 0; k < K; k++) c[base + k] = 0;
    }
    c[C_SLOT] = slot;
  }
  if (slot <= (c[C_SLOT] as number) - SLOTS) return; // older than the hour: long-run counts only
  const base = C_RECENT + (((slot % SLOTS) + SLOTS) % SLOTS) * K;
  for (let k = 0; k < K; k++) if ((kinds & (1 << k)) !== 0) c[base + k] = (c[base + k] as number) + 1;
}

/** Decays the long-run counts to `t` and adds the event. */
export function learnLongRun(c: Counts, t: number, kinds: number, decayPerMs: number): void {
  const at = c[C_LONG_AT] as number;
  if (t > at) {
    const f = Math.exp(-(t - at) * decayPerMs);
    for (let k = 0; k < K; k++) c[C_LONG + k] = (c[C_LONG + k] as number) * f;
    c[C_LONG_AT] = t;
  }
  for (let k = 0; k < K; k++) if ((kinds & (1 << k)) !== 0) c[C_LONG + k] = (c[C_LONG + k] as number) + 1;
}

/** The last hour's count of kind `k`. */
export function hourCount(c: Counts, k: number): number {
  let s = 0;
  for (let i = 0; i < SLOTS; i++) s += c[C_RECENT + i * K + k] as number;
  return s;
}

/**
 * The hour's count of `kind` (index `k`) in `c` against the long-run rate of `c`, shrunk
 * towards that of `prior` (the model's counts; null when `c` is the model's own).
 */
export function rateTest(
  cfg: BehaviorConfig,
  c: Counts,
  prior: Counts | null,
  kind: Kind,
  k: number,
  event: InferenceEvent,
  scope: 'principal' | 'model',
  flags: readonly string[],
): Finding | null {
  const hits = hourCount(c, k);
  if (hits < cfg.min_count) return null;
  const n = hourCount(c, 0);
  // Baseline rate: own long-run counts, shrunk towards the model's rate.
  const ownN = c[C_LONG] as number;
  const ownK = c[C_LONG + k] as number;
  const modelRate =
    prior !== null && (prior[C_LONG] as number) > 0
      ? (prior[C_LONG + k] as number) / (prior[C_LONG] as number)
      : ownN > 0
        ? ownK / ownN
        : 0;
  const a = prior !== null ? cfg.prior_requests : 0;
  const p0 = Math.min(0.999, Math.max(1e-4, (ownK + a * modelRate) / Math.max(1, ownN + a)));
  if (hits < cfg.min_ratio * n * p0) return null;
  // A count at or below its expectation is no surprise (not the tail's few tenths of a decade).
  const surprise = hits > n * p0 ? binomialSurprise(hits, n, p0) : 0;
  if (surprise < cfg.min_surprise) return null;
  return rateFinding(cfg, kind, event, scope, flags, hits, n, p0, surprise);
}
