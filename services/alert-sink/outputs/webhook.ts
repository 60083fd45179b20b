/**
 * HTTP outputs (`webhooks`): one POST per alert for `json` and `ocsf`, bulk requests of up
 * to `batch_max` alerts for `ecs` (Elastic `_bulk`) and `splunk_hec`. Every request carries
 * `webhook-id` (the idempotency id, the same on every retry) and, when a secret is set, the
 * Standard Webhooks signature headers. What the answer means is decided per format
 * (http-status.ts, elastic-bulk.ts, splunk-hec.ts); this file only makes the requests.
 */
import type { WebhookConfig } from '../../../shared/config/index.ts';
import { errorMessage } from '../../../shared/errors.ts';
import type { Alert } from '../../../shared/events/types.ts';
import type { Clock, DeliveryItem, SendOutcome, Transport } from '../delivery/types.ts';
import { ecsBulkBody } from './ecs.ts';
import { bulkOutcome } from './elastic-bulk.ts';
import { HttpClient } from './http-client.ts';
import { outcomeOf, type HttpAnswer } from './http-status.ts';
import { toOcsf, ocsfActivity } from './ocsf.ts';
import { messageId, signWebhook } from './signature.ts';
import { awaitAck, channelFor } from './splunk-ack.ts';
import { ackUrl, hecBody, hecOutcome, parseHecReply } from './splunk-hec.ts';

const CONTENT_TYPE = {
  json: 'application/json',
  ocsf: 'application/json',
  ecs: 'application/x-ndjson',
  splunk_hec: 'application/json',
} as const;

const AUTH_SCHEME = { json: 'Bearer', ocsf: 'Bearer', ecs: 'ApiKey', splunk_hec: 'Splunk' } as const;

const EVENT_TYPE = { 1: 'alert.created', 2: 'alert.updated', 3: 'alert.closed' } as const;

/** The `json` body: a Standard Webhooks payload, `{type, timestamp, data}`. */
export function jsonPayload(alert: Alert): string {
  return JSON.stringify({ type: EVENT_TYPE[ocsfActivity(alert)], timestamp: alert.detected_at, data: alert });
}

export class WebhookTransport implements Transport {
  readonly batchMax: number;
  private readonly baseHeaders: Record<string, string>;
  private readonly url: URL;
  private readonly http: HttpClient;

  constructor(
    private readonly config: WebhookConfig,
    private readonly clock: Clock,
  ) {
    const bulk = config.format === 'ecs' || config.format === 'splunk_hec';
    this.batchMax = bulk ? config.batch_max : 1;
    this.url = new URL(config.url);
    this.http = new HttpClient(this.url, config.delivery.concurrency);
    this.baseHeaders = {
      'content-type': CONTENT_TYPE[config.format],
      'user-agent': 'vigil-alert-sink',
      ...(config.token !== undefined && { authorization: `${AUTH_SCHEME[config.format]} ${config.token}` }),
      ...(config.splunk?.ack === true && {
        'x-splunk-request-channel': config.splunk.channel ?? channelFor(config.name),
      }),
      ...config.headers,
    };
  }

  body(items: readonly DeliveryItem[]): string {
    switch (this.config.format) {
      case 'ocsf':
        return JSON.stringify(toOcsf(items[0]!.alert, this.config.ocsf_version));
      case 'ecs':
        return ecsBulkBody(
          items.map((i) => i.alert),
          { index: this.config.elastic?.index, id: this.config.elastic?.id },
        );
      case 'splunk_hec':
        return hecBody(items, this.config.splunk);
      default:
        return jsonPayload(items[0]!.alert);
    }
  }

  async send(items: readonly DeliveryItem[], signal: AbortSignal): Promise<SendOutcome> {
    const list = [...items];
    const body = this.body(list);
    const id = messageId(list);
    const headers: Record<string, string> = { ...this.baseHeaders, 'webhook-id': id };
    if (this.config.secret !== undefined) {
      Object.assign(headers, signWebhook(this.config.secret, id, Math.floor(this.clock.now() / 1000), body));
    }
    let answer: HttpAnswer;
    try {
      answer = await this.http.post(this.url, headers, body, signal, this.config.timeout_ms);
    } catch (err) {
      signal.throwIfAborted();
      const timedOut = err instanceof Error && err.name === 'TimeoutError';
      return { retry: { items: list, kind: timedOut ? 'timeout' : 'network', reason: networkReason(err) } };
    }
    const now = this.clock.now();
    if (this.config.format === 'ecs') return bulkOutcome(answer, list, now);
    if (this.config.format !== 'splunk_hec') return outcomeOf(answer, list, now);
    const outcome = hecOutcome(answer, list, now);
    const ackId = parseHecReply(answer.body).ackId;
    if (this.config.splunk?.ack !== true || outcome.retry || outcome.rejected || ackId === undefined)
      return outcome;
    const ack = await awaitAck(
      {
        url: new URL(ackUrl(this.config.url)),
        headers: this.baseHeaders,
        http: this.http,
        ackId,
        pollMs: this.config.splunk.ack_poll_ms,
        timeoutMs: this.config.splunk.ack_timeout_ms,
        requestTimeoutMs: this.config.timeout_ms,
      },
      signal,
      this.clock,
    );
    return ack.acked ? {} : { retry: { items: list, kind: 'ack', reason: ack.reason } };
  }

  async close(): Promise<void> {
    this.http.close();
  }
}

/** The system error code (ECONNREFUSED, ECONNRESET…) is what an operator needs first. */
function networkReason(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? `${code}: ${errorMessage(err)}` : errorMessage(err);
}
