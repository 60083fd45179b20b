/**
 * The input partitions one consume → process → commit loop owns, each with its keyed state
 * and transactional channel (the Kafka Streams exactly-once pattern, shared by the
 * monitors and the correlator's stages). On assignment a partition's channel is opened
 * first (on Kafka this fences an older owner, so its last transaction is finished or
 * aborted), then the assigned partitions' changelog is read in one pass. A restore that
 * fails leaves the partitions `failed`: their batches throw until a retry succeeds, and
 * their good changelog is never overwritten. A commit that fails marks the partition
 * `stale` (or `fenced`), so its state is thrown away and restored before the batch comes
 * again: nothing is applied twice.
 */
import { errorMessage, VigilError, vigilError } from '../errors.ts';
import type { PipelineLogger, PipelineMetrics } from './observer.ts';
import type { Bus, PartitionChannel, PartitionCommit, TopicPartition } from './ports.ts';

export type PartitionStatus = 'restoring' | 'ready' | 'stale' | 'failed' | 'fenced';

export interface OwnedPartition<S> {
  readonly tp: TopicPartition;
  /** The partition's state: replaced by a fresh one on every restore. */
  state: S;
  channel: PartitionChannel | undefined;
  status: PartitionStatus;
  failure?: unknown;
}

export interface OwnedPartitionsOptions<S> {
  groupId: string;
  changelogTopic: string;
  bus: Pick<Bus, 'openPartition' | 'readChangelog'>;
  /** Empty state for a partition, before its changelog is loaded. */
  fresh(): S;
  /** Applies one changelog record (the latest per key; null for a tombstone). */
  load(state: S, key: string, value: string | null): void;
  /** What the state is, for the logs: "detector state", "correlator state". */
  what: string;
  log: PipelineLogger;
  metrics: PipelineMetrics;
  now: () => number;
}

export const partitionKey = (tp: TopicPartition): string => `${tp.topic}:${tp.partition}`;

export class OwnedPartitions<S> {
  private readonly owned = new Map<string, OwnedPartition<S>>();

  constructor(private readonly options: OwnedPartitionsOptions<S>) {}

  get(tp: TopicPartition): OwnedPartition<S> | undefined {
    return this.owned.get(partitionKey(tp));
  }

  values(): IterableIterator<OwnedPartition<S>> {
    return this.owned.values();
  }

  /** Takes newly assigned partitions and restores their state. */
  async assign(tps: readonly TopicPartition[]): Promise<void> {
    await this.restore(tps.filter((tp) => !this.owned.has(partitionKey(tp))).map((tp) => this.adopt(tp)));
  }

  /** Gives partitions up, closing their channels. */
  async revoke(tps: readonly TopicPartition[]): Promise<void> {
    for (const tp of tps) {
      const entry = this.owned.get(partitionKey(tp));
      if (entry === undefined) continue;
      this.owned.delete(partitionKey(tp));
      await entry.channel?.close().catch((err: unknown) => {
        this.options.log.warn(
          { partition: partitionKey(tp), err: errorMessage(err) },
          'closing a channel failed',
        );
      });
    }
  }

  async revokeAll(): Promise<void> {
    await this.revoke([...this.owned.values()].map((o) => o.tp));
  }

  /** Every owned partition's state is restored and it is processing (or about to retry). */
  ready(): boolean {
    for (const o of this.owned.values()) if (o.status !== 'ready' && o.status !== 'stale') return false;
    return true;
  }

  /** Partitions that cannot be processed, with why (for /readyz and logs). */
  problems(): string[] {
    return [...this.owned.values()]
      .filter((o) => o.status === 'failed' || o.status === 'fenced' || o.status === 'restoring')
      .map((o) => `${partitionKey(o.tp)} ${o.status}${o.failure ? `: ${errorMessage(o.failure)}` : ''}`);
  }

  /** The batch's partition, restored and ready; throws why when it cannot be processed. */
  async acquire(tp: TopicPartition): Promise<OwnedPartition<S>> {
    const entry = this.owned.get(partitionKey(tp)) ?? this.adopt(tp);
    if (entry.status === 'fenced') throw entry.failure;
    if (entry.status !== 'ready') await this.restore([entry]);
    if (entry.status !== 'ready') throw entry.failure;
    return entry;
  }

  /** Processing threw inside the partition's state: it cannot go on until restored. */
  fail(entry: OwnedPartition<S>, err: unknown): never {
    entry.status = 'failed';
    entry.failure = err;
    this.options.metrics.restoreFailed(1);
    throw err;
  }

  /** Commits a batch's transaction; on failure the state is stale (or the owner fenced). */
  async commit(entry: OwnedPartition<S>, commit: PartitionCommit): Promise<void> {
    try {
      await entry.channel!.commit(commit);
    } catch (err) {
      const fenced = err instanceof VigilError && err.code === 'VGL_ERR_BUS_FENCED';
      entry.status = fenced ? 'fenced' : 'stale';
      entry.failure = err;
      throw err;
    }
  }

  private adopt(tp: TopicPartition): OwnedPartition<S> {
    const entry: OwnedPartition<S> = {
      tp,
      state: this.options.fresh(),
      channel: undefined,
      status: 'restoring',
    };
    this.owned.set(partitionKey(tp), entry);
    return entry;
  }

  private async restore(entries: OwnedPartition<S>[]): Promise<void> {
    if (entries.length === 0) return;
    const { bus, changelogTopic, groupId, log, metrics, what } = this.options;
    const started = this.options.now();
    try {
      for (const e of entries) {
        e.status = 'restoring';
        e.state = this.options.fresh();
        e.channel ??= await bus.openPartition({ groupId, input: e.tp, changelogTopic });
      }
      const byPartition = new Map(entries.map((e) => [e.tp.partition, e] as const));
      let records = 0;
      await bus.readChangelog(changelogTopic, [...byPartition.keys()], (partition, key, value) => {
        const entry = byPartition.get(partition);
        if (entry !== undefined) this.options.load(entry.state, key, value);
        records++;
      });
      for (const e of entries) {
        e.status = 'ready';
        e.failure = undefined;
      }
      metrics.restored((this.options.now() - started) / 1000, records);
      log.info(
        { partitions: entries.map((e) => partitionKey(e.tp)), records, ms: this.options.now() - started },
        `${what} restored`,
      );
    } catch (err) {
      const failure =
        err instanceof VigilError
          ? err
          : vigilError('VGL_ERR_STATE_RESTORE', [changelogTopic, errorMessage(err)], { cause: err });
      for (const e of entries) {
        e.status = 'failed';
        e.failure = failure;
      }
      metrics.restoreFailed(entries.length);
      log.error(
        { code: failure.code, partitions: entries.map((e) => partitionKey(e.tp)), err: failure.message },
        `${what} restore failed; the partitions wait`,
      );
    }
  }
}
