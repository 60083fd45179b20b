/**
 * Detector checkpoints on a compacted topic (`vigil.state.<service>`), the Kafka Streams
 * changelog pattern: `save` writes the latest snapshot per key, `loadAll` replays the topic
 * from the start up to the high watermarks read before it began, so it ends even while
 * others keep writing. kafkajs has no manual partition assignment, so the replay uses a
 * throwaway consumer group that never commits and is deleted afterwards.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { StateEntry, StateStore } from '../pipeline/ports.ts';
import { vigilError, errorMessage } from '../errors.ts';
import type { KafkaPublisher } from './kafka-publisher.ts';
import type { BusLogger } from './log.ts';
import { retryRetriable } from './retry.ts';

export class KafkaStateStore implements StateStore {
  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly ensureTopic: () => Promise<unknown>,
    private readonly publisher: () => Promise<KafkaPublisher>,
    private readonly logger: BusLogger,
  ) {}

  async save(entries: StateEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.ensureTopic();
    const messages = entries.map((e) => ({
      key: e.key,
      // undefined serialises to nothing: treat it like null, a tombstone.
      value: e.value === null || e.value === undefined ? null : JSON.stringify(e.value),
    }));
    await (await this.publisher()).send(this.topic, messages);
  }

  async loadAll(): Promise<Map<string, unknown>> {
    await this.ensureTopic();
    const admin = this.kafka.admin();
    const groupId = `vigil-state-loader-${randomUUID()}`;
    const consumer = this.kafka.consumer({ groupId, allowAutoTopicCreation: false });
    const values = new Map<string, unknown>();
    try {
      await admin.connect();
      const remaining = new Map<number, bigint>();
      for (const p of await retryRetriable(() => admin.fetchTopicOffsets(this.topic))) {
        if (BigInt(p.high) > BigInt(p.low)) remaining.set(p.partition, BigInt(p.high));
      }
      if (remaining.size === 0) return values;

      let finish: (err?: unknown) => void = () => undefined;
      const done = new Promise<void>((resolve, reject) => {
        finish = (err) => (err === undefined ? resolve() : reject(err));
      });
      consumer.on(consumer.events.CRASH, ({ payload }) => finish(payload.error));
      await consumer.connect();
      await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) this.apply(values, m.key, m.value);
          const high = remaining.get(batch.partition);
          if (high !== undefined && BigInt(batch.lastOffset()) + 1n >= high)
            remaining.delete(batch.partition);
          if (remaining.size === 0) finish();
        },
      });
      await done;
      return values;
    } catch (err) {
      throw vigilError('VGL_ERR_STATE_RESTORE', [this.topic, errorMessage(err)], { cause: err });
    } finally {
      await consumer.disconnect().catch(() => undefined);
      await admin.deleteGroups([groupId]).catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    }
  }

  private apply(values: Map<string, unknown>, key: Buffer | null, value: Buffer | null): void {
    if (key === null) return;
    const k = key.toString('utf8');
    if (value === null) {
      values.delete(k);
      return;
    }
    try {
      values.set(k, JSON.parse(value.toString('utf8')));
    } catch (err) {
      // One unreadable snapshot costs that key its baseline, not the whole restore.
      this.logger.warn(
        { topic: this.topic, key: k },
        `skipping unreadable state value: ${errorMessage(err)}`,
      );
    }
  }
}
