/**
 * Splunk HTTP Event Collector. Body: one HEC event object per alert, concatenated (the
 * batch form of /services/collector/event), each with `time`, `host`, `source`,
 * `sourcetype`, `index` when configured, the idempotency id as the indexed field
 * `vigil_id`, and the alert as `event`.
 *
 * Answers carry a HEC code as well as an HTTP status; the code decides (Splunk's
 * "Troubleshoot HTTP Event Collector", possible error codes):
 *   0 success · 1–4 token disabled/required/invalid, 7 incorrect index, 10/11 channel
 *   missing/invalid, 14 ack disabled, 16 query-string auth off → the output's config is
 *   wrong: retry behind the breaker, dead-letter nothing · 5 no data, 6 invalid data format,
 *   12/13 event field missing/blank, 15 indexed fields → the content: dead-letter ·
 *   8 internal error, 9 busy, 18–20 unhealthy → retry, honouring Retry-After.
 * With code 6 Splunk names the first bad event (`invalid-event-number`): the events before
 * it were indexed, it is dead-lettered, the ones after are sent again.
 */
import type { WebhookConfig } from '../../../shared/config/index.ts';
import { parseRetryAfter } from '../delivery/backoff.ts';
import type { DeliveryItem, SendOutcome } from '../delivery/types.ts';
import { outcomeOf, type HttpAnswer } from './http-status.ts';

export type SplunkConfig = NonNullable<WebhookConfig['splunk']>;

const CONFIG_CODES = new Set([1, 2, 3, 4, 7, 10, 11, 14, 16]);
const CONTENT_CODES = new Set([5, 6, 12, 13, 15]);
const BUSY_CODES = new Set([8, 9, 18, 19, 20]);

export function hecBody(items: readonly DeliveryItem[], splunk: SplunkConfig | undefined): string {
  return items
    .map(({ alert, id }) =>
      JSON.stringify({
        time: Date.parse(alert.last_seen) / 1000,
        ...(splunk?.host !== undefined && { host: splunk.host }),
        source: splunk?.source ?? 'vigil',
        sourcetype: splunk?.sourcetype ?? 'vigil:alert',
        ...(splunk?.index !== undefined && { index: splunk.index }),
        fields: { vigil_id: id, detector: alert.detector, severity: alert.severity, tenant: alert.tenant },
        event: alert,
      }),
    )
    .join('\n');
}

export interface HecReply {
  code?: number;
  text?: string;
  ackId?: number;
  'invalid-event-number'?: number;
}

export function parseHecReply(body: string): HecReply {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? (parsed as HecReply) : {};
  } catch {
    return {};
  }
}

export function hecOutcome(answer: HttpAnswer, items: DeliveryItem[], nowMs: number): SendOutcome {
  const reply = parseHecReply(answer.body);
  const code = reply.code;
  if (code === undefined || code === 0 || code === 17) return outcomeOf(answer, items, nowMs);
  const reason = `HEC code ${code} (${reply.text ?? 'no text'}), HTTP ${answer.status}`;
  if (CONFIG_CODES.has(code))
    return { retry: { items, kind: 'status', reason: `${reason}: check the output config` } };
  if (BUSY_CODES.has(code)) {
    const retryAfterMs = parseRetryAfter(answer.retryAfter, nowMs);
    return { retry: { items, kind: 'status', reason, ...(retryAfterMs !== undefined && { retryAfterMs }) } };
  }
  if (CONTENT_CODES.has(code)) {
    const bad = reply['invalid-event-number'];
    if (code === 6 && bad !== undefined && bad >= 0 && bad < items.length) {
      const after = items.slice(bad + 1);
      return {
        rejected: [{ items: [items[bad]!], status: answer.status, excerpt: answer.body }],
        ...(after.length > 0 && {
          retry: { items: after, kind: 'status' as const, reason: 'after a refused event' },
        }),
      };
    }
    return { rejected: [{ items, status: answer.status, excerpt: answer.body }] };
  }
  return outcomeOf(answer, items, nowMs);
}

/** The ack endpoint beside the configured event endpoint. */
export function ackUrl(eventUrl: string): string {
  const url = new URL(eventUrl);
  url.pathname = url.pathname.replace(/\/services\/collector(\/.*)?$/, '') + '/services/collector/ack';
  url.search = '';
  return url.toString();
}
