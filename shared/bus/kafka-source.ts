/**
 * Consumer-group runner on kafkajs. At-least-once: a batch's offset is committed only after
 * the handler resolved (and the handler resolves only after its alerts were acknowledged);
 * a failing handler leaves the offset where it was and kafkajs fetches the batch again
 * (its retrier backs off, then restarts the consumer), so nothing is skipped.
 */
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type {
  BatchHandler,
  EventSource,
  PartitionListener,
  SourceBatch,
  SourceOptions,
} from '../pipeline/ports.ts';
import { VigilError, vigilError, errorMessage } from '../errors.ts';
import { AssignmentTracker } from './assignment.ts';
import { connectError } from './kafka-errors.ts';
import type { BusLogger } from './log.ts';

export interface KafkaConsumerTuning {
  /** Partitions handled at once by one instance (default 1: batches run one at a time). */
  partitionsConsumedConcurrently?: number;
  /** Group session timeout (default 30 s): how long a silent member keeps its partitions. */
  sessionTimeoutMs?: number;
  /** Most bytes fetched per partition per request (default 1 MiB, kafkajs' default). */
  maxBytesPerPartition?: number;
}

/** A handler that runs longer than this still heartbeats, so the group keeps it. */
const HEARTBEAT_WHILE_BUSY_MS = 1000;

export class KafkaSource implements EventSource {
  private consumer: Consumer | undefined;
  private tracker: AssignmentTracker | undefined;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly brokers: readonly string[],
    private readonly options: SourceOptions & KafkaConsumerTuning,
    private readonly logger: BusLogger,
  ) {}

  async start(handler: BatchHandler, listener: PartitionListener = {}): Promise<void> {
    if (this.consumer !== undefined || this.stopping !== undefined) {
      throw vigilError('VGL_ERR_BUS_STOPPED', ['starting a source twice']);
    }
    const { groupId, topics } = this.options;
    const consumer = this.kafka.consumer({
      groupId,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      maxBytesPerPartition: this.options.maxBytesPerPartition ?? 1_048_576,
      allowAutoTopicCreation: false,
      // kafkajs waits up to 5 s on an idle fetch, and stop() and a retried batch wait for
      // that fetch to return; the Java client's default, 500 ms, keeps both prompt.
      maxWaitTimeInMs: 500,
    });
    const tracker = new AssignmentTracker(listener, this.logger);
    this.consumer = consumer;
    this.tracker = tracker;

    const joined = new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        const assignment = Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) =>
          partitions.map((partition) => ({ topic, partition })),
        );
        tracker.assign(assignment);
        resolve();
      });
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        // The member has left the group: whoever gets the partitions next must restore
        // from the changelog, and so must this instance if kafkajs restarts it.
        tracker.assign([]);
        this.logger.error(
          { err: payload.error, groupId, restart: payload.restart },
          `consumer crashed${payload.restart ? ', restarting' : ''}: ${errorMessage(payload.error)}`,
        );
        // kafkajs restarts the consumer after a retriable crash (e.g. a group coordinator
        // still loading): start() keeps waiting for that join rather than failing.
        if (payload.restart) return;
        reject(connectError(payload.error, this.brokers));
        if (this.stopping === undefined) {
          this.options.onFatal?.(
            vigilError('VGL_ERR_CONSUMER_FATAL', [groupId, errorMessage(payload.error)], {
              cause: payload.error,
            }),
          );
        }
      });
    });
    joined.catch(() => undefined);

    try {
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: this.options.fromBeginning ?? true });
      await consumer.run({
        // A transactional handler commits offsets inside its transaction.
        autoCommit: this.options.transactional !== true,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
        eachBatch: (payload) => this.eachBatch(payload, handler, tracker),
      });
      // "Running" means a member of the group with its partitions, so a caller may produce
      // right after start() even with fromBeginning=false.
      await joined;
    } catch (err) {
      await consumer.disconnect().catch(() => undefined);
      throw err instanceof VigilError ? err : connectError(err, this.brokers);
    }
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const { consumer, tracker } = this;
      if (consumer === undefined || tracker === undefined) return;
      // kafkajs' stop stops fetching, waits for the batch in flight (which commits its own
      // offset as it finishes) and leaves the group.
      await consumer.stop();
      await consumer.disconnect();
      tracker.assign([]);
      await tracker.ready();
    })();
    return this.stopping;
  }

  private async eachBatch(
    payload: EachBatchPayload,
    handler: BatchHandler,
    tracker: AssignmentTracker,
  ): Promise<void> {
    const { batch } = payload;
    const { topic, partition } = batch;
    await tracker.ready();
    if (!payload.isRunning() || payload.isStale() || !tracker.owns(topic, partition)) return;
    if (batch.isEmpty()) return;

    const sourceBatch: SourceBatch = {
      topic,
      partition,
      highWatermark: batch.highWatermark,
      messages: batch.messages.map((m) => ({ key: m.key, value: m.value, offset: m.offset })),
    };
    const last = batch.lastOffset();
    const beat = setInterval(() => void payload.heartbeat().catch(() => undefined), HEARTBEAT_WHILE_BUSY_MS);
    try {
      await tracker.track(topic, partition, handler(sourceBatch));
    } catch (err) {
      const failure = vigilError(
        'VGL_ERR_BUS_BATCH_FAILED',
        [`${topic}[${partition}] ${batch.firstOffset() ?? '?'}..${last}`, errorMessage(err)],
        { cause: err, context: { topic, partition } },
      );
      this.logger.error({ code: failure.code, err, topic, partition, lastOffset: last }, failure.message);
      // Retriable, so kafkajs' retrier fetches the same offsets again after a backoff.
      throw failure;
    } finally {
      clearInterval(beat);
    }
    payload.resolveOffset(last);
    if (this.options.transactional === true) {
      await payload.heartbeat();
      return;
    }
    // The committed offset is the next one to read, hence +1.
    const next = (BigInt(last) + 1n).toString();
    await payload.commitOffsetsIfNecessary({
      topics: [{ topic, partitions: [{ partition, offset: next }] }],
    });
    await payload.heartbeat();
  }
}
