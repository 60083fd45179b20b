/** Picks the bus: Kafka when KAFKA_BROKERS is set, else the in-process embedded bus. */
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { KafkaBusOptions } from '../bus/kafka-bus.ts';
import type { TopicNames } from '../bus/topics.ts';
import type { ResolvedConfig } from '../config/index.ts';
import type { Logger } from '../log/logger.ts';
import type { Bus, EventSource } from '../pipeline/ports.ts';

/** The Kafka client's TLS and SASL options from the resolved config. */
export function kafkaSecurityOptions(config: ResolvedConfig): Pick<KafkaBusOptions, 'ssl' | 'sasl'> {
  const { tls, sasl } = config.kafkaSecurity;
  const out: Pick<KafkaBusOptions, 'ssl' | 'sasl'> = {};
  if (tls !== undefined) {
    const { ca, cert, key, passphrase } = tls;
    out.ssl = {
      ...(ca !== undefined ? { ca } : {}),
      ...(cert !== undefined ? { cert } : {}),
      ...(key !== undefined ? { key } : {}),
      ...(passphrase !== undefined ? { passphrase } : {}),
    };
  }
  if (sasl !== undefined) out.sasl = { ...sasl };
  return out;
}

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
    return yieldingSources(createMemoryBus({ topics, partitions, stateDir: join(config.dataDir, 'state') }));
  }
  const { createKafkaBus } = await import('../bus/kafka-bus.ts');
  return createKafkaBus({
    brokers: config.kafkaBrokers,
    clientId,
    topics,
    partitions,
    logger: log.child({ component: 'kafka' }),
    ...kafkaSecurityOptions(config),
    // Larger fetches mean fewer, larger ClickHouse inserts and alert sends per event.
    consumer: { maxBytesPerPartition: 4 * 1024 * 1024 },
  });
}

/**
 * The in-process bus hands a batch over without I/O, so a consumer working through a
 * backlog (the demo's day of history) would chain batch after batch in microtasks and
 * hold the event loop for seconds: no timer, no API request in between. Each batch here
 * starts in a macrotask of its own, which bounds a stall to one batch.
 */
function yieldingSources(bus: Bus): Bus {
  return {
    ...bus,
    source(options): EventSource {
      const inner = bus.source(options);
      return {
        start: (handler, listener) =>
          inner.start(async (batch) => {
            await yieldToLoop();
            return handler(batch);
          }, listener),
        stop: () => inner.stop(),
      };
    },
  };
}
