/**
 * Delivers a set of items to one transport and returns only when every item was delivered
 * or dead-lettered — never by dropping one. Failures are retried here, in memory, with
 * backoff, jitter and Retry-After, behind the output's circuit breaker, rather than by
 * failing the Kafka batch: the consumer keeps its partitions (it heartbeats while busy), its
 * offsets stay uncommitted, and memory holds one fetched batch however long the receiver is
 * down. Only an abort (the service stopping) ends the wait early, and then the batch stays
 * uncommitted and is delivered again after the restart.
 */
import { errorMessage, vigilError } from '../../../shared/errors.ts';
import type { PipelineLogger } from '../../../shared/pipeline/observer.ts';
import type { Backoff } from './backoff.ts';
import type { CircuitBreaker } from './circuit-breaker.ts';
import type { DeadLetters } from './dead-letters.ts';
import type { Clock, DeliveryItem, OutputMetrics, Rejection, SendOutcome, Transport } from './types.ts';

export interface DelivererParts {
  name: string;
  transport: Transport;
  backoff: Backoff;
  breaker: CircuitBreaker;
  deadLetters: DeadLetters;
  concurrency: number;
  metrics: OutputMetrics;
  log: PipelineLogger;
  clock: Clock;
}

/** Failures of one chunk in a row that are logged one by one; after that, every 20th. */
const LOG_EVERY_FAILURE_UNTIL = 3;

export class Deliverer {
  constructor(private readonly parts: DelivererParts) {}

  async deliver(items: readonly DeliveryItem[], signal: AbortSignal): Promise<void> {
    const { batchMax } = this.parts.transport;
    const chunks: DeliveryItem[][] = [];
    for (let i = 0; i < items.length; i += batchMax) chunks.push(items.slice(i, i + batchMax));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < chunks.length) await this.deliverChunk(chunks[next++]!, signal);
    };
    const workers = Array.from({ length: Math.min(this.parts.concurrency, chunks.length) }, worker);
    // allSettled, then rethrow: a worker that aborted must not leave others running unseen.
    const results = await Promise.allSettled(workers);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  private async deliverChunk(items: DeliveryItem[], signal: AbortSignal): Promise<void> {
    const { transport, breaker, backoff, metrics, log, clock, name } = this.parts;
    let pending = items;
    for (let failures = 0; ;) {
      await breaker.permit(signal);
      const outcome = await this.attempt(transport, pending, signal);
      let retry = outcome.retry;
      const rejected = outcome.rejected ?? [];
      let deadLettered = new Set<DeliveryItem>();
      if (rejected.length > 0) {
        try {
          await this.parts.deadLetters.publish(rejected, clock.now());
          deadLettered = new Set(rejected.flatMap((r) => r.items));
        } catch (err) {
          // Not dead-lettered, so not done: they go round again with the retried ones.
          retry = {
            items: [...(retry?.items ?? []), ...rejected.flatMap((r) => r.items)],
            kind: 'dead_letter',
            reason: `dead-letter topic: ${errorMessage(err)}`,
          };
        }
      }
      if (deadLettered.size > 0) for (const r of rejected) this.reportRejection(r);
      const retrying = new Set(retry?.items ?? []);
      const delivered = pending.filter((i) => !retrying.has(i) && !deadLettered.has(i)).length;
      if (delivered > 0) metrics.alerts('delivered', delivered);
      if (retry === undefined || retry.items.length === 0) {
        breaker.success();
        return;
      }
      failures++;
      breaker.failure();
      metrics.retry(retry.kind);
      const delay = backoff.delayMs(failures, retry.retryAfterMs);
      if (failures <= LOG_EVERY_FAILURE_UNTIL || failures % 20 === 0) {
        const err = vigilError('VGL_ERR_SIEM_DELIVERY', [name, retry.items.length, retry.reason, delay]);
        log.warn({ code: err.code, output: name, failures, delayMs: delay }, err.message);
      }
      await clock.sleep(delay, signal);
      pending = retry.items;
    }
  }

  private reportRejection(r: Rejection): void {
    const { metrics, log, name } = this.parts;
    metrics.deadLetter(r.status, r.items.length);
    metrics.alerts('dead_lettered', r.items.length);
    const err = vigilError('VGL_ERR_SIEM_REJECTED', [name, r.items.length, r.status]);
    log.error({ code: err.code, output: name, status: r.status, ids: r.items.map((i) => i.id) }, err.message);
  }

  private async attempt(
    transport: Transport,
    items: DeliveryItem[],
    signal: AbortSignal,
  ): Promise<SendOutcome> {
    try {
      return await transport.send(items, signal);
    } catch (err) {
      signal.throwIfAborted();
      return { retry: { items, kind: 'error', reason: errorMessage(err) } };
    }
  }
}
