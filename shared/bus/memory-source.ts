/**
 * A consumer-group member of the embedded bus, with the same guarantees as the Kafka
 * source: one batch at a time, the offset committed only after the handler resolved, a
 * failed batch delivered again after a backoff, and stop() draining the batch in flight.
 */
import type {
  BatchHandler,
  EventSource,
  PartitionListener,
  SourceBatch,
  SourceOptions,
  TopicPartition,
} from '../pipeline/ports.ts';
import { vigilError, errorMessage } from '../errors.ts';
import { AssignmentTracker } from './assignment.ts';
import type { BusLogger } from './log.ts';
import type { GroupMember, MemoryGroup } from './memory-group.ts';
import { Signal, type MemoryTopic } from './memory-log.ts';

export interface MemorySourceTuning {
  /** Most messages per batch. */
  maxBatchSize: number;
  /** Delay before a failed batch is delivered again; doubles per failure up to `max`. */
  retryBackoffMs: { initial: number; max: number };
}

interface Pick {
  tp: TopicPartition;
  batch: SourceBatch;
  last: number;
}

export class MemorySource implements EventSource, GroupMember {
  readonly topics: readonly string[];
  private tracker: AssignmentTracker | undefined;
  private owned: TopicPartition[] = [];
  private cursor = 0;
  private running = false;
  private loop: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private readonly wake = new Signal();
  private readonly stopped = new Signal();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly group: MemoryGroup,
    private readonly topic: (name: string) => MemoryTopic,
    private readonly options: SourceOptions,
    private readonly tuning: MemorySourceTuning,
    private readonly logger: BusLogger,
    private readonly committed: (topic: string) => void,
  ) {
    this.topics = [...new Set(options.topics)];
  }

  async start(handler: BatchHandler, listener: PartitionListener = {}): Promise<void> {
    if (this.tracker !== undefined || this.stopping !== undefined) {
      throw vigilError('VGL_ERR_BUS_STOPPED', ['starting a source twice']);
    }
    this.tracker = new AssignmentTracker(listener, this.logger);
    for (const name of this.topics)
      this.unsubscribe.push(this.topic(name).onAppend(() => this.wake.notify()));
    this.running = true;
    this.group.join(this);
    this.loop = this.run(handler, this.tracker);
  }

  assign(partitions: TopicPartition[]): void {
    if (this.options.fromBeginning === false) {
      // "latest" for partitions the group has never committed: start at the current end.
      for (const tp of partitions) {
        if (this.group.committedOffset(tp) === undefined) {
          this.group.commit(tp, this.topic(tp.topic).partitions[tp.partition]!.end);
        }
      }
    }
    this.owned = partitions;
    this.tracker?.assign(partitions);
    this.wake.notify();
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const tracker = this.tracker;
      if (tracker === undefined) return;
      this.running = false;
      this.wake.notify();
      this.stopped.notify();
      await this.loop;
      for (const off of this.unsubscribe.splice(0)) off();
      this.group.leave(this);
      tracker.assign([]);
      await tracker.ready();
    })();
    return this.stopping;
  }

  private async run(handler: BatchHandler, tracker: AssignmentTracker): Promise<void> {
    let backoff = this.tuning.retryBackoffMs.initial;
    while (this.running) {
      await tracker.ready();
      const candidate = this.nextPartition();
      if (candidate === undefined) {
        await this.wake.wait();
        continue;
      }
      // A partition taken over from another member: wait until its last batch is done.
      await this.group.handedOver(candidate);
      const pick = this.read(candidate);
      if (!this.running || pick === undefined || !tracker.owns(candidate.topic, candidate.partition))
        continue;

      const work = tracker.track(
        pick.tp.topic,
        pick.tp.partition,
        Promise.resolve().then(() => handler(pick.batch)),
      );
      this.group.running(pick.tp, work);
      try {
        await work;
      } catch (err) {
        const failure = vigilError('VGL_ERR_BUS_BATCH_FAILED', [
          `${pick.tp.topic}[${pick.tp.partition}] ${pick.batch.messages[0]?.offset ?? '?'}..${pick.last}`,
          errorMessage(err),
        ]);
        this.logger.error({ code: failure.code, err, ...pick.tp }, failure.message);
        await this.stopped.wait(backoff);
        backoff = Math.min(backoff * 2, this.tuning.retryBackoffMs.max);
        continue;
      }
      backoff = this.tuning.retryBackoffMs.initial;
      // A transactional handler committed the offset itself, with its outputs.
      if (this.options.transactional !== true) this.group.commit(pick.tp, pick.last + 1);
      this.committed(pick.tp.topic);
    }
  }

  /** The next owned partition with unread messages, round-robin for fairness. */
  private nextPartition(): TopicPartition | undefined {
    for (let i = 0; i < this.owned.length; i++) {
      const index = (this.cursor + i) % this.owned.length;
      const tp = this.owned[index]!;
      const log = this.topic(tp.topic).partitions[tp.partition]!;
      if (log.end > (this.group.committedOffset(tp) ?? 0)) {
        this.cursor = index + 1;
        return tp;
      }
    }
    return undefined;
  }

  private read(tp: TopicPartition): Pick | undefined {
    const log = this.topic(tp.topic).partitions[tp.partition]!;
    const { offset, messages } = log.read(this.group.committedOffset(tp) ?? 0, this.tuning.maxBatchSize);
    if (messages.length === 0) return undefined;
    return {
      tp,
      last: offset + messages.length - 1,
      batch: {
        topic: tp.topic,
        partition: tp.partition,
        highWatermark: String(log.end),
        messages: messages.map((m, i) => ({ key: m.key, value: m.value, offset: String(offset + i) })),
      },
    };
  }
}
