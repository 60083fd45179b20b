/**
 * inference.behavior's token test of a principal × model: the last hour's 10-minute slots
 * of log tokens and the principal's own baseline they are judged against, kept in place
 * in its Float64Array (offsets in behavior-state.ts). Runs on every event; allocates
 * nothing unless it finds something.
 */
import type { InferenceEvent } from '../../../shared/events/types.ts';
import type { Finding } from '../../../shared/pipeline/detector.ts';
import type { BehaviorConfig } from './behavior-config.ts';
import { tokenFinding } from './behavior-finding.ts';
import {
  SLOT_MS,
  SLOTS,
  T_BASE,
  T_SLOT,
  T_SLOTS,
  TOKEN_METRICS,
  type PrincipalBehavior,
  type TokenMetric,
} from './behavior-state.ts';

/** Weight of the newest request in a principal's token baseline (≈ 200 requests). */
const TOKEN_ALPHA = 0.005;
/** Requests a token baseline needs, and a last hour needs, before the hour is judged. */
const TOKEN_MIN_LEARNED = 50;
const TOKEN_MIN_HOUR = 10;

/**
 * z-test of the last hour's mean log(1 + tokens) per request against the principal's
 * own learned mean and spread (log-normal usage: one long answer is not a spike, a run
 * of them is); learns the request afterwards. Output and input tokens alike.
 */
export function tokenTest(cfg: BehaviorConfig, p: PrincipalBehavior, event: InferenceEvent): Finding | null {
  const f = p.f;
  const slot = Math.floor(event.ts / SLOT_MS);
  const last = f[T_SLOT] as number;
  if (slot > last) {
    for (let s = last + 1; s <= Math.min(slot, last + SLOTS); s++) {
      const base = T_SLOTS + (s % SLOTS) * 4;
      for (let k = 0; k < 4; k++) f[base + k] = 0;
    }
    f[T_SLOT] = slot;
  }
  const inHour = slot > (f[T_SLOT] as number) - SLOTS;
  let best: Finding | null = null;
  for (let m = 0; m < TOKEN_METRICS.length; m++) {
    const metric = TOKEN_METRICS[m] as TokenMetric;
    const x = m === 0 ? event.output_tokens : event.input_tokens;
    if (x === undefined) continue;
    const y = Math.log1p(x);
    if (inHour) {
      const at = T_SLOTS + (((slot % SLOTS) + SLOTS) % SLOTS) * 4 + m * 2;
      f[at] = (f[at] as number) + y;
      f[at + 1] = (f[at + 1] as number) + 1;
    }
    const b = T_BASE + m * 3;
    const learned = f[b] as number;
    const mean = f[b + 1] as number;
    const variance = f[b + 2] as number;
    if (learned >= TOKEN_MIN_LEARNED && variance > 0) {
      let sum = 0;
      let n = 0;
      for (let s = 0; s < SLOTS; s++) {
        sum += f[T_SLOTS + s * 4 + m * 2] as number;
        n += f[T_SLOTS + s * 4 + m * 2 + 1] as number;
      }
      if (n >= TOKEN_MIN_HOUR) {
        const sd = Math.sqrt(variance);
        const z = (sum / n - mean) / (sd / Math.sqrt(n));
        // The ratio (an exp) only once z passes, which it seldom does.
        if (z >= cfg.token_z && Math.exp(sum / n - mean) >= cfg.token_ratio) {
          const found = tokenFinding(cfg, event, metric, n, sum / n, mean, sd, z);
          if (best === null || found.score > best.score) best = found;
        }
      }
    }
    // Learn (after the test): exponentially weighted mean and variance of log tokens.
    const a = Math.max(TOKEN_ALPHA, 1 / (learned + 1));
    const d = y - mean;
    f[b] = learned + 1;
    f[b + 1] = mean + a * d;
    f[b + 2] = (1 - a) * (variance + a * d * d);
  }
  return best;
}
