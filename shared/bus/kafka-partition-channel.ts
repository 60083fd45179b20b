/**
 * The transactional channel of one owned input partition (Kafka's exactly-once, in the
 * per-partition form kafkajs supports: one transactional producer per input partition,
 * its `transactional.id` derived from the group, topic and partition). Opening it
 * initialises the producer id, which fences every older producer of the same id and
 * finishes or aborts its open transaction, so a zombie owner can never commit again.
 * A commit sends the batch's outputs and changelog records and the group's offset in one
 * transaction; a failure aborts it, leaving nothing of the batch visible to
 * read-committed consumers.
 */
import type { Kafka, Message, Producer, TopicMessages } from 'kafkajs';
import type { PartitionChannel, PartitionChannelSpec, PartitionCommit } from '../pipeline/ports.ts';
import { errorMessage, vigilError } from '../errors.ts';
import { Partitioners } from 'kafkajs';
import { produceError } from './kafka-errors.ts';
import type { BusLogger } from './log.ts';

/** Bytes per produce request: well under the broker's default 1 MiB record-batch limit. */
const CHUNK_BYTES = 512 * 1024;
const FENCED = new Set([
  'INVALID_PRODUCER_EPOCH',
  'PRODUCER_FENCED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
]);

export function isFenced(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e !== null && typeof e === 'object' && depth < 6; depth++) {
    if ('type' in e && typeof e.type === 'string' && FENCED.has(e.type)) return true;
    e = 'cause' in e ? e.cause : 'originalError' in e ? e.originalError : undefined;
  }
  return false;
}

export function transactionalId(spec: PartitionChannelSpec): string {
  return `${spec.groupId}.${spec.input.topic}.${spec.input.partition}`;
}

export class KafkaPartitionChannel implements PartitionChannel {
  private producer: Producer | undefined;
  private fenced: Error | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly spec: PartitionChannelSpec,
    private readonly logger: BusLogger,
    private readonly transactionTimeoutMs = 60_000,
  ) {}

  /** Connects and fences older owners; idempotent. */
  async open(): Promise<void> {
    if (this.producer !== undefined) return;
    const producer = this.kafka.producer({
      transactionalId: transactionalId(this.spec),
      maxInFlightRequests: 1,
      idempotent: true,
      transactionTimeout: this.transactionTimeoutMs,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    try {
      await producer.connect();
      // An empty transaction makes kafkajs send InitProducerId (the fencing step) now,
      // before this owner reads the changelog, rather than at the first commit.
      await (await producer.transaction()).commit();
    } catch (err) {
      await producer.disconnect().catch(() => undefined);
      throw this.failure(err, 0);
    }
    this.producer = producer;
  }

  async commit(work: PartitionCommit): Promise<void> {
    if (this.fenced !== undefined) throw this.fenced;
    await this.open();
    const producer = this.producer!;
    const chunks = this.chunks(work);
    const count = chunks.reduce((n, c) => n + c.reduce((m, t) => m + t.messages.length, 0), 0);
    const txn = await producer.transaction();
    try {
      for (const topicMessages of chunks) await txn.sendBatch({ topicMessages, acks: -1 });
      const { topic, partition } = this.spec.input;
      await txn.sendOffsets({
        consumerGroupId: this.spec.groupId,
        topics: [{ topic, partitions: [{ partition, offset: work.nextOffset }] }],
      });
      await txn.commit();
    } catch (err) {
      await txn.abort().catch((abortErr: unknown) => {
        this.logger.warn({ err: errorMessage(abortErr) }, 'aborting a transaction failed');
      });
      // Never reuse a producer after a failed transaction. When a produce request fails,
      // kafkajs rolls back the sequence numbers of every partition in it
      // (producer/sendMessages.js), also of partitions the broker did append to; the next
      // batch to such a partition then reuses a sequence the broker has seen and is
      // silently dropped as a duplicate — alerts lost. A new producer re-initialises its id
      // (new epoch, sequences from 0), which also aborts anything this one left open.
      this.producer = undefined;
      await producer.disconnect().catch(() => undefined);
      throw this.failure(err, count);
    }
  }

  private failure(err: unknown, count: number): Error {
    if (isFenced(err)) {
      const { topic, partition } = this.spec.input;
      this.fenced = vigilError('VGL_ERR_BUS_FENCED', [`${topic}[${partition}]`], { cause: err });
      return this.fenced;
    }
    return produceError(err, count, this.spec.input.topic);
  }

  /** The commit's messages in produce requests of at most CHUNK_BYTES each. */
  private chunks(work: PartitionCommit): TopicMessages[][] {
    const out: TopicMessages[][] = [];
    let current = new Map<string, Message[]>();
    let bytes = 0;
    const add = (topic: string, message: Message, size: number): void => {
      if (bytes + size > CHUNK_BYTES && bytes > 0) {
        out.push(toTopicMessages(current));
        current = new Map();
        bytes = 0;
      }
      let list = current.get(topic);
      if (list === undefined) current.set(topic, (list = []));
      list.push(message);
      bytes += size;
    };
    for (const o of work.outputs) {
      for (const m of o.messages) {
        const message: Message = { key: m.key, value: m.value };
        if (m.headers !== undefined) message.headers = m.headers;
        add(o.topic, message, sizeOf(m.key) + sizeOf(m.value) + 64);
      }
    }
    const partition = this.spec.input.partition;
    for (const r of work.state) {
      const message = { key: r.key, value: r.value, partition };
      add(this.spec.changelogTopic, message, sizeOf(r.key) + sizeOf(r.value) + 64);
    }
    if (bytes > 0) out.push(toTopicMessages(current));
    return out;
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect();
  }
}

function sizeOf(v: string | Buffer | null): number {
  return v === null ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : v.length;
}

function toTopicMessages(byTopic: Map<string, Message[]>): TopicMessages[] {
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
