/**
 * Reads changelog partitions from their start to the end they had when the read began
 * (read-committed, so aborted transactions never reach a restore). kafkajs has no manual
 * partition assignment, so the read uses a throwaway consumer group that never commits:
 * its single member is given every partition, pauses those not asked for, and the group
 * is deleted afterwards. Progress is taken from kafkajs' batch events, which also report
 * batches that held only transaction markers, so a log ending in a marker still finishes.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { ChangelogRecordHandler } from '../pipeline/ports.ts';
import { errorMessage, VigilError, vigilError } from '../errors.ts';
import type { BusLogger } from './log.ts';
import { retryRetriable } from './retry.ts';

/** A read that makes no progress for this long fails (and is retried by the monitor). */
const STALL_MS = 60_000;

export async function readKafkaChangelog(
  kafka: Kafka,
  topic: string,
  partitions: readonly number[],
  onRecord: ChangelogRecordHandler,
  logger: BusLogger,
): Promise<void> {
  await readToEnd(kafka, topic, partitions, logger, (partition, key, value) => {
    if (key !== null)
      onRecord(partition, key.toString('utf8'), value === null ? null : value.toString('utf8'));
  });
}

/** Every committed message of `partitions` up to the end they had when the read began. */
export async function readToEnd(
  kafka: Kafka,
  topic: string,
  partitions: readonly number[],
  logger: BusLogger,
  onMessage: (partition: number, key: Buffer | null, value: Buffer | null) => void,
): Promise<void> {
  const wanted = new Set(partitions);
  const admin = kafka.admin();
  const groupId = `vigil-restore-${randomUUID()}`;
  const consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    maxBytesPerPartition: 8 * 1024 * 1024,
    maxWaitTimeInMs: 250,
  });
  try {
    await admin.connect();
    const remaining = new Map<number, bigint>();
    for (const p of await retryRetriable(() => admin.fetchTopicOffsets(topic))) {
      if (wanted.has(p.partition) && BigInt(p.high) > BigInt(p.low))
        remaining.set(p.partition, BigInt(p.high));
    }
    if (remaining.size === 0) return;
    const all = (await retryRetriable(() => admin.fetchTopicOffsets(topic))).map((p) => p.partition);
    const unwanted = all.filter((p) => !wanted.has(p));

    let finish: (err?: unknown) => void = () => undefined;
    const done = new Promise<void>((resolve, reject) => {
      finish = (err) => (err === undefined ? resolve() : reject(err));
    });
    let progressAt = Date.now();
    const stall = setInterval(() => {
      if (Date.now() - progressAt > STALL_MS) finish(new Error(`no progress for ${STALL_MS / 1000} s`));
    }, 1000);
    const advance = (partition: number, lastOffset: string): void => {
      progressAt = Date.now();
      const high = remaining.get(partition);
      if (high !== undefined && BigInt(lastOffset) + 1n >= high) remaining.delete(partition);
      if (remaining.size === 0) finish();
    };
    consumer.on(consumer.events.CRASH, ({ payload }) => finish(payload.error));
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (unwanted.length > 0) consumer.pause([{ topic, partitions: unwanted }]);
    });
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) =>
      advance(payload.partition, payload.lastOffset),
    );
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          if (!wanted.has(batch.partition)) return;
          try {
            for (const m of batch.messages) onMessage(batch.partition, m.key, m.value);
          } catch (err) {
            // A record the state cannot take (VGL_ERR_STATE_CORRUPT) ends the read at once.
            finish(err);
          }
        },
      });
      await done;
    } finally {
      clearInterval(stall);
    }
  } catch (err) {
    if (err instanceof VigilError) throw err;
    throw vigilError('VGL_ERR_STATE_RESTORE', [`${topic} ${[...wanted].join(',')}`, errorMessage(err)], {
      cause: err,
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch((err: unknown) => {
      logger.debug({ groupId, err: errorMessage(err) }, 'could not delete a restore group');
    });
    await admin.disconnect().catch(() => undefined);
  }
}
