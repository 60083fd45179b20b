/**
 * HEC indexer acknowledgement: with `splunk.ack`, a 200 from HEC only means "received"; the
 * events are safe once POST /services/collector/ack (same channel, body {"acks":[id]})
 * answers {"acks":{"<id>":true}}. Until then the batch is not done and its offsets are not
 * committed; if no ack comes within `ack_timeout_ms` the batch is sent again (Splunk's
 * advice: an ack that never comes means the data may be lost). Requests carry the channel
 * in the X-Splunk-Request-Channel header, as every HEC request must when acks are on.
 */
import { createHash } from 'node:crypto';
import { errorMessage } from '../../../shared/errors.ts';
import type { Clock } from '../delivery/types.ts';
import type { HttpClient } from './http-client.ts';

export interface AckRequest {
  url: URL;
  http: HttpClient;
  headers: Record<string, string>;
  ackId: number;
  pollMs: number;
  timeoutMs: number;
  requestTimeoutMs: number;
}

export type AckResult = { acked: true } | { acked: false; reason: string };

/** A stable channel GUID per output name, so restarts keep using the same channel. */
export function channelFor(outputName: string): string {
  const h = createHash('sha256').update(`vigil-hec-channel:${outputName}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export async function awaitAck(request: AckRequest, signal: AbortSignal, clock: Clock): Promise<AckResult> {
  const deadline = clock.now() + request.timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    await clock.sleep(request.pollMs, signal);
    try {
      const res = await request.http.post(
        request.url,
        { ...request.headers, 'content-type': 'application/json' },
        JSON.stringify({ acks: [request.ackId] }),
        signal,
        request.requestTimeoutMs,
      );
      if (res.status === 200) {
        const acks = (JSON.parse(res.body) as { acks?: Record<string, boolean> }).acks ?? {};
        if (acks[String(request.ackId)] === true) return { acked: true };
        last = 'not yet indexed';
      } else {
        last = `ack endpoint answered HTTP ${res.status}`;
      }
    } catch (err) {
      signal.throwIfAborted();
      last = errorMessage(err);
    }
    if (clock.now() >= deadline)
      return { acked: false, reason: `no indexer ack for ${request.ackId}: ${last}` };
  }
}
