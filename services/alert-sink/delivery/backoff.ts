/**
 * Retry delays: exponential backoff with "equal jitter" (half fixed, half random), so a
 * fleet of sinks that failed together does not retry together, yet no retry comes sooner
 * than half the nominal delay. A receiver's Retry-After wins when it asks for longer
 * (capped, so one bad header cannot park an output for a day).
 * See https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/.
 */
import type { DeliveryConfig } from '../../../shared/config/index.ts';

export class Backoff {
  constructor(
    private readonly config: Pick<DeliveryConfig, 'retry_initial_ms' | 'retry_max_ms' | 'retry_after_max_ms'>,
    private readonly random: () => number = Math.random,
  ) {}

  /** Delay before attempt `failures + 1`, after `failures` (≥ 1) failed attempts. */
  delayMs(failures: number, retryAfterMs?: number): number {
    const nominal = Math.min(this.config.retry_max_ms, this.config.retry_initial_ms * 2 ** (failures - 1));
    const jittered = nominal / 2 + (this.random() * nominal) / 2;
    if (retryAfterMs === undefined) return Math.round(jittered);
    const asked = Math.min(retryAfterMs, this.config.retry_after_max_ms);
    // A little jitter on top of Retry-After too: many clients told "60" would return at once.
    return Math.round(Math.max(asked + this.random() * Math.min(1000, asked / 10), jittered / 4));
  }
}

/**
 * Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Undefined when absent or
 * unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
