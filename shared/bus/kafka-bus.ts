/**
 * The Bus on Apache Kafka (kafkajs). One client per bus; one shared producer created on
 * first use; a consumer per source; an admin client only while creating topics.
 */
import type { ConnectionOptions } from 'node:tls';
import { Kafka, Partitioners, logLevel, type Producer } from 'kafkajs';
import type {
  Bus,
  ChangelogRecordHandler,
  EventSource,
  PartitionChannel,
  PartitionChannelSpec,
  Publisher,
  SourceOptions,
  StateStore,
} from '../pipeline/ports.ts';
import { vigilError } from '../errors.ts';
import { readKafkaChangelog } from './kafka-changelog.ts';
import { KafkaPartitionChannel } from './kafka-partition-channel.ts';
import { createMissingTopics } from './kafka-topics.ts';
import { retryRetriable } from './retry.ts';
import { connectError } from './kafka-errors.ts';
import { KafkaPublisher, type KafkaPublisherOptions } from './kafka-publisher.ts';
import { KafkaSource, type KafkaConsumerTuning } from './kafka-source.ts';
import { KafkaStateStore } from './kafka-state-store.ts';
import { kafkaLogCreator, silentLogger, type BusLogger } from './log.ts';
import { coreTopics, resolveTopicNames, stateTopic, topicSpec, type TopicNames } from './topics.ts';

export interface KafkaBusOptions {
  /** `host:port` list; use 127.0.0.1 rather than localhost for a local broker. */
  brokers: string[];
  clientId: string;
  topics?: Partial<TopicNames>;
  logger?: BusLogger;
  /** Partitions of topics this bus creates (default 6). */
  partitions?: number;
  publisher?: KafkaPublisherOptions;
  consumer?: KafkaConsumerTuning;
  /** TLS for every broker connection: node:tls options (CA, client cert/key), or true for the system CAs. */
  ssl?: ConnectionOptions | boolean;
  /** SASL authentication, after TLS when both are set. */
  sasl?: KafkaSaslOptions;
}

/** The mechanisms kafkajs has built in, as its union (a distributed type, not one object). */
export type KafkaSaslOptions = {
  [M in 'plain' | 'scram-sha-256' | 'scram-sha-512']: { mechanism: M; username: string; password: string };
}['plain' | 'scram-sha-256' | 'scram-sha-512'];

export interface KafkaBus extends Bus {
  readonly topics: Readonly<TopicNames>;
}

export function createKafkaBus(options: KafkaBusOptions): KafkaBus {
  const logger = options.logger ?? silentLogger;
  const topics = resolveTopicNames(options.topics);
  const partitions = options.partitions ?? 6;
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.INFO,
    logCreator: kafkaLogCreator(logger),
    // Explicit, because kafkajs swaps in much shorter retries when NODE_ENV=test, and tests
    // must exercise the production behaviour.
    retry: { initialRetryTime: 300, maxRetryTime: 30_000, factor: 0.2, multiplier: 2, retries: 5 },
    ...(options.ssl !== undefined ? { ssl: options.ssl } : {}),
    ...(options.sasl !== undefined ? { sasl: options.sasl } : {}),
  });
  const sources = new Set<KafkaSource>();
  const ensuredStateTopics = new Map<string, Promise<number>>();
  let producer: Promise<{ raw: Producer; publisher: KafkaPublisher }> | undefined;
  let closed = false;

  const assertOpen = (what: string): void => {
    if (closed) throw vigilError('VGL_ERR_BUS_STOPPED', [what]);
  };

  const ensure = async (names: string[]): Promise<void> => {
    const admin = kafka.admin();
    try {
      await admin.connect();
    } catch (err) {
      throw connectError(err, options.brokers);
    }
    try {
      const created = await createMissingTopics(
        admin,
        names.map((n) => topicSpec(topics, n, partitions)),
      );
      if (created.length > 0) logger.info({ topics: created }, 'created Kafka topics');
    } finally {
      await admin.disconnect();
    }
  };

  /** A topic's partition count, asked once per process (topics do not shrink). */
  const partitionCounts = new Map<string, Promise<number>>();
  const partitionsOf = (topic: string): Promise<number> => {
    let p = partitionCounts.get(topic);
    if (p === undefined) {
      p = (async () => {
        const admin = kafka.admin();
        await admin.connect();
        try {
          const { topics: meta } = await retryRetriable(() => admin.fetchTopicMetadata({ topics: [topic] }));
          return meta[0]?.partitions.length ?? 0;
        } finally {
          await admin.disconnect();
        }
      })();
      partitionCounts.set(topic, p);
      p.catch(() => partitionCounts.delete(topic));
    }
    return p;
  };

  /** Creates a compacted state topic once per process; resolves to its partition count. */
  const ensureStateTopic = (topic: string): Promise<number> => {
    let p = ensuredStateTopics.get(topic);
    if (p === undefined) {
      p = ensure([topic]).then(() => partitionsOf(topic));
      ensuredStateTopics.set(topic, p);
      p.catch(() => ensuredStateTopics.delete(topic));
    }
    return p;
  };

  const getProducer = (): Promise<KafkaPublisher> => {
    producer ??= (async () => {
      const raw = kafka.producer({
        allowAutoTopicCreation: false,
        // Kafka's own default partitioner (murmur2), so keys land where Java clients put them.
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      try {
        await raw.connect();
      } catch (err) {
        producer = undefined;
        throw connectError(err, options.brokers);
      }
      return { raw, publisher: new KafkaPublisher(raw, options.publisher, partitionsOf) };
    })();
    return producer.then((p) => p.publisher);
  };

  return {
    topics,
    async ensureTopics(extra: string[] = []): Promise<void> {
      assertOpen('ensureTopics');
      await ensure([...new Set([...coreTopics(topics), ...extra])]);
    },
    source(sourceOptions: SourceOptions): EventSource {
      assertOpen('source');
      const source = new KafkaSource(
        kafka,
        options.brokers,
        { ...options.consumer, ...sourceOptions },
        logger,
      );
      sources.add(source);
      return source;
    },
    async publisher(): Promise<Publisher> {
      assertOpen('publisher');
      return getProducer();
    },
    stateStore(service: string): StateStore {
      assertOpen('stateStore');
      const topic = stateTopic(topics, service);
      return new KafkaStateStore(kafka, topic, () => ensureStateTopic(topic), getProducer, logger);
    },
    async openPartition(spec: PartitionChannelSpec): Promise<PartitionChannel> {
      assertOpen('openPartition');
      const count = await ensureStateTopic(spec.changelogTopic);
      if (count <= spec.input.partition) {
        throw vigilError('VGL_ERR_BUS_TOPIC_CREATE', [
          spec.changelogTopic,
          `it has ${count} partitions but input partition ${spec.input.partition} needs its own; ` +
            'a changelog must have at least as many partitions as its input topic',
        ]);
      }
      const channel = new KafkaPartitionChannel(kafka, spec, logger);
      await channel.open();
      return channel;
    },
    async readChangelog(topic: string, parts: number[], onRecord: ChangelogRecordHandler): Promise<void> {
      assertOpen('readChangelog');
      await ensureStateTopic(topic);
      await readKafkaChangelog(kafka, topic, parts, onRecord, logger);
    },
    async close(): Promise<void> {
      // Sources drain first: their last batches may still publish and save state.
      await Promise.all([...sources].map((s) => s.stop()));
      closed = true;
      const p = await producer?.catch(() => undefined);
      producer = undefined;
      await p?.raw.disconnect();
    },
  };
}
