/**
 * What an HTTP answer means for delivery. 2xx: taken. 408, 425, 429 and 5xx: try again
 * (honouring Retry-After). 401, 403, 404 and 407 say the output is misconfigured (token,
 * URL, proxy) rather than that the alert is bad: every alert would get the same answer, so
 * they are retried behind the circuit breaker until an operator fixes the config, and no
 * alert is dead-lettered for it. Any other 4xx refuses this content: dead-letter.
 */
import { parseRetryAfter } from '../delivery/backoff.ts';
import type { DeliveryItem, SendOutcome } from '../delivery/types.ts';

export const EXCERPT_READ_BYTES = 2048;

const CONFIG_PROBLEM = new Set([401, 403, 404, 407]);

export type StatusClass = 'ok' | 'retry' | 'config' | 'reject';

export function classifyStatus(status: number): StatusClass {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 408 || status === 425 || status === 429 || status >= 500) return 'retry';
  if (CONFIG_PROBLEM.has(status)) return 'config';
  return status >= 400 ? 'reject' : 'retry';
}

export interface HttpAnswer {
  status: number;
  retryAfter: string | null;
  body: string;
}

/** The outcome for `items` sent in one request that got `answer`. */
export function outcomeOf(answer: HttpAnswer, items: DeliveryItem[], nowMs: number): SendOutcome {
  const kind = classifyStatus(answer.status);
  if (kind === 'ok') return {};
  if (kind === 'reject') return { rejected: [{ items, status: answer.status, excerpt: answer.body }] };
  const retryAfterMs = parseRetryAfter(answer.retryAfter, nowMs);
  return {
    retry: {
      items,
      kind: 'status',
      reason: `HTTP ${answer.status}${kind === 'config' ? ' (check the output URL and credentials)' : ''}`,
      ...(retryAfterMs !== undefined && { retryAfterMs }),
    },
  };
}
