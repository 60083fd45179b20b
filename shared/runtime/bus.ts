/** Picks the bus: Kafka when KAFKA_BROKERS is set, else the in-process embedded bus. */
import { join } from 'node:path';
import type { TopicNames } from '../bus/topics.ts';
import type { ResolvedConfig } from '../config/index.ts';
import type { Logger } from '../log/logger.ts';
import type { Bus } from '../pipeline/ports.ts';

/** Loads only the bus in use, so the embedded mode never loads kafkajs. */
export async function createBus(
  config: ResolvedConfig,
  topics: Readonly<TopicNames>,
  log: Logger,
  clientId: string,
): Promise<Bus> {
  const partitions = config.topics.partitions;
  if (config.kafkaBrokers === undefined) {
    const { createMemoryBus } = await import('../bus/memory.ts');
    return createMemoryBus({ topics, partitions, stateDir: join(config.dataDir, 'state') });
  }
  const { createKafkaBus } = await import('../bus/kafka-bus.ts');
  return createKafkaBus({
    brokers: config.kafkaBrokers,
    clientId,
    topics,
    partitions,
    logger: log.child({ component: 'kafka' }),
    // Larger fetches mean fewer, larger ClickHouse inserts and alert sends per event.
    consumer: { maxBytesPerPartition: 4 * 1024 * 1024 },
  });
}
