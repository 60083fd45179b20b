/**
 * A source that gives this process every message of its topics (fan-out, not load
 * sharing): a consumer group of its own, named for the purpose, host and process so no
 * two processes share it, and deleted from Kafka when the source stops. Reading starts
 * at the end (or the beginning, for the compacted detector-config topic). On the
 * embedded bus groups are in memory and nothing is left to delete.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { errorMessage } from '../errors.ts';
import type { EventSource } from '../pipeline/ports.ts';
import { kafkaSecurityOptions } from './bus.ts';
import type { ServiceContext } from './context.ts';

export interface FanoutOptions {
  /** What the group is for: vigil-<purpose>-<host>-<pid>-<random>. */
  purpose: string;
  topics: string[];
  fromBeginning?: boolean;
}

export function fanoutGroupId(purpose: string): string {
  return `vigil-${purpose}-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
}

export function fanoutSource(ctx: ServiceContext, options: FanoutOptions): EventSource {
  const groupId = fanoutGroupId(options.purpose);
  const inner = ctx.bus.source({
    groupId,
    topics: options.topics,
    fromBeginning: options.fromBeginning ?? false,
  });
  let stopping: Promise<void> | undefined;
  return {
    start: (handler, listener) => inner.start(handler, listener),
    stop: () =>
      (stopping ??= (async () => {
        await inner.stop();
        const brokers = ctx.config.kafkaBrokers;
        if (brokers === undefined) return;
        // Loaded here: kafkajs is in the process already whenever brokers are set.
        const { deleteConsumerGroups } = await import('../bus/kafka-groups.ts');
        const left = await deleteConsumerGroups(
          { brokers, clientId: 'vigil-cleanup', ...kafkaSecurityOptions(ctx.config) },
          [groupId],
        ).catch((err: unknown) => {
          ctx.log.warn({ group: groupId, err: errorMessage(err) }, 'deleting fan-out group failed');
          return [groupId];
        });
        if (left.length > 0) ctx.log.warn({ group: groupId }, 'fan-out consumer group left behind');
      })()),
  };
}
