/**
 * Turns successive partition assignments into onRevoked/onAssigned calls, in order, and lets
 * the consumer wait until they are done before handling a partition's first batch. Shared by
 * the Kafka source and the embedded bus.
 */
import type { PartitionListener, TopicPartition } from '../pipeline/ports.ts';
import { errorMessage } from '../errors.ts';
import type { BusLogger } from './log.ts';

export const tpKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export class AssignmentTracker {
  private current = new Map<string, TopicPartition>();
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Settles when every listener call queued so far has run; never rejects. */
  private settled: Promise<void> = Promise.resolve();

  constructor(
    private readonly listener: PartitionListener,
    private readonly logger: BusLogger,
  ) {}

  /** Replaces the assignment; the listener sees only the difference. */
  assign(partitions: readonly TopicPartition[]): void {
    const next = new Map(partitions.map((tp) => [tpKey(tp.topic, tp.partition), tp] as const));
    const revoked = [...this.current].filter(([k]) => !next.has(k)).map(([, tp]) => tp);
    const added = [...next].filter(([k]) => !this.current.has(k)).map(([, tp]) => tp);
    this.current = next;
    if (revoked.length > 0) this.queue('onRevoked', revoked);
    if (added.length > 0) this.queue('onAssigned', added);
  }

  owns(topic: string, partition: number): boolean {
    return this.current.has(tpKey(topic, partition));
  }

  assigned(): TopicPartition[] {
    return [...this.current.values()];
  }

  /** Resolves when the listener has seen every assignment change so far. */
  ready(): Promise<void> {
    return this.settled;
  }

  /** Runs a batch handler, remembered so a revocation waits for it to finish. */
  async track<T>(topic: string, partition: number, work: Promise<T>): Promise<T> {
    const key = tpKey(topic, partition);
    const done = work.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.set(key, done);
    try {
      return await work;
    } finally {
      if (this.inFlight.get(key) === done) this.inFlight.delete(key);
    }
  }

  private queue(method: 'onAssigned' | 'onRevoked', partitions: TopicPartition[]): void {
    const waitFor =
      method === 'onRevoked' ? partitions.map((tp) => this.inFlight.get(tpKey(tp.topic, tp.partition))) : [];
    this.settled = this.settled.then(async () => {
      await Promise.all(waitFor);
      try {
        await this.listener[method]?.(partitions);
      } catch (err) {
        // A listener failure must not wedge the consumer: the pipeline's listener decides
        // (e.g. VGL_ERR_STATE_RESTORE: start from an empty baseline); here it is reported.
        this.logger.error({ err, partitions }, `${method} listener failed: ${errorMessage(err)}`);
      }
    });
  }
}
