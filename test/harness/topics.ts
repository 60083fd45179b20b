/**
 * Topic helpers for integration tests: unique names so tests (and parallel runs against one
 * broker) never share a topic or a consumer group, and a reader that collects N messages.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { readToEnd } from '../../shared/bus/kafka-changelog.ts';
import { createMissingTopics } from '../../shared/bus/kafka-topics.ts';
import { silentLogger } from '../../shared/bus/log.ts';
import type { TopicSpec } from '../../shared/bus/topics.ts';

/** `vigil-test.<label>.<random>`: valid as a Kafka topic and as a group id. */
export function uniqueName(label: string): string {
  return `vigil-test.${label}.${randomUUID().slice(0, 8)}`;
}

function client(brokers: string): Kafka {
  return new Kafka({ clientId: 'vigil-test', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
}

export interface TestTopicOptions {
  /** Default 3, so per-partition ordering and keyed routing are exercised. */
  partitions?: number;
  compacted?: boolean;
}

/** Creates topics with unique names; returns them in the order of `labels`. */
export async function createTestTopics(
  brokers: string,
  labels: string[],
  options: TestTopicOptions = {},
): Promise<string[]> {
  const names = labels.map(uniqueName);
  const admin = client(brokers).admin();
  await admin.connect();
  try {
    await createMissingTopics(
      admin,
      names.map((name): TopicSpec => ({
        name,
        partitions: options.partitions ?? 3,
        config: options.compacted ? { 'cleanup.policy': 'compact' } : {},
      })),
    );
  } finally {
    await admin.disconnect();
  }
  return names;
}

export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

/**
 * Reads `count` messages from the start of `topic` with a fresh group. Rejects after
 * `timeoutMs` saying how many arrived, so a missing message fails fast and clearly.
 */
export async function consumeMessages(
  brokers: string,
  topic: string,
  count: number,
  timeoutMs = 30_000,
): Promise<ConsumedMessage[]> {
  const consumer = client(brokers).consumer({ groupId: uniqueName('reader') });
  const received: ConsumedMessage[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`timed out after ${timeoutMs} ms with ${received.length}/${count} messages`)),
        timeoutMs,
      );
      if (count === 0) resolve();
      void consumer
        .run({
          eachMessage: async ({ topic: t, partition, message }) => {
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(message.headers ?? {})) {
              if (v !== undefined) headers[k] = Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
            }
            received.push({
              topic: t,
              partition,
              offset: message.offset,
              key: message.key?.toString('utf8') ?? null,
              value: message.value?.toString('utf8') ?? null,
              headers,
            });
            if (received.length >= count) resolve();
          },
        })
        .catch(reject);
    });
    return received;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
}

/**
 * Every committed message of `topic` up to its current end (read-committed: aborted
 * transactions are not seen, and transaction markers, which take offsets, are not counted).
 */
export async function readTopic(
  brokers: string,
  topic: string,
): Promise<Array<{ partition: number; key: string | null; value: string | null }>> {
  const kafka = client(brokers);
  const admin = kafka.admin();
  await admin.connect();
  const partitions = (await admin.fetchTopicOffsets(topic)).map((p) => p.partition);
  await admin.disconnect();
  const out: Array<{ partition: number; key: string | null; value: string | null }> = [];
  await readToEnd(kafka, topic, partitions, silentLogger, (partition, key, value) =>
    out.push({ partition, key: key?.toString('utf8') ?? null, value: value?.toString('utf8') ?? null }),
  );
  return out;
}
