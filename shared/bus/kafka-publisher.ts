/**
 * Producer side of the Kafka bus. `publish` resolves only after the broker acknowledged
 * every message with acks=all. Large arrays are cut into chunks sent concurrently: a kafkajs
 * `send` is awaited end to end, so sequential sends leave the broker idle between requests
 * and concurrency is what makes throughput (docs/architecture.md, "Tests and infrastructure").
 * Messages are split into lanes by the partition their key goes to, and each lane sends its
 * chunks in order, so every partition receives its messages in the order given: consumers
 * judge lateness by a partition's event time, and a producer that interleaved two keys of
 * one partition out of order would make the older events late.
 */
import { CompressionTypes, type Message, type Producer } from 'kafkajs';
import type { OutboundMessage, Publisher } from '../pipeline/ports.ts';
import { produceError } from './kafka-errors.ts';
import { partitionForKey } from '../events/partitioner.ts';

/** A message whose value may be null: a tombstone on a compacted topic. */
export interface RawMessage {
  key: string | null;
  value: string | Buffer | null;
  headers?: Record<string, string>;
}

export interface KafkaPublisherOptions {
  /** Messages per produce request (default 1000). */
  chunkSize?: number;
  /** Produce requests in flight per publish call (default 8). */
  concurrency?: number;
}

export class KafkaPublisher implements Publisher {
  private readonly chunkSize: number;
  private readonly concurrency: number;

  constructor(
    private readonly producer: Producer,
    options: KafkaPublisherOptions = {},
    /** Partition count of a topic (the bus caches it); lanes follow partitions. */
    private readonly partitionsOf: (topic: string) => Promise<number> = async () => 1,
  ) {
    this.chunkSize = options.chunkSize ?? 1000;
    this.concurrency = options.concurrency ?? 8;
  }

  publish(topic: string, messages: OutboundMessage[]): Promise<void> {
    return this.send(topic, messages);
  }

  async send(topic: string, messages: readonly RawMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const laneCount = Math.min(this.concurrency, Math.ceil(messages.length / this.chunkSize));
    const partitions = laneCount > 1 ? await this.partitionsOf(topic) : 1;
    const lanes: Message[][] = Array.from({ length: laneCount }, () => []);
    messages.forEach((m, i) => {
      // Unkeyed messages have no order to keep; spread them evenly.
      const lane = m.key === null ? i % laneCount : partitionForKey(m.key, partitions) % laneCount;
      lanes[lane]!.push(toKafkaMessage(m));
    });
    await Promise.all(lanes.map((lane) => this.sendLane(topic, lane)));
  }

  private async sendLane(topic: string, lane: Message[]): Promise<void> {
    for (let i = 0; i < lane.length; i += this.chunkSize) {
      const chunk = lane.slice(i, i + this.chunkSize);
      try {
        await this.producer.send({ topic, messages: chunk, acks: -1, compression: CompressionTypes.None });
      } catch (err) {
        throw produceError(err, chunk.length, topic);
      }
    }
  }
}

function toKafkaMessage(m: RawMessage): Message {
  return m.headers === undefined
    ? { key: m.key, value: m.value }
    : { key: m.key, value: m.value, headers: m.headers };
}
