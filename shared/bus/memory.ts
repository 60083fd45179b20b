/**
 * The embedded in-process bus: the same `Bus` as Kafka for the single-process default
 * (`npm start`) and unit tests. Topics have partitions chosen by Kafka's murmur2 of the key,
 * consumer groups commit only after a batch's handler resolved, a failed batch comes again
 * after a backoff, and stop() drains. Topics are created on first use. State stores keep
 * the latest value per key in memory, which is what compaction leaves on Kafka. Nothing
 * survives the process: durability is what the Kafka mode is for.
 */
import type {
  Bus,
  ChangelogRecordHandler,
  PartitionChannel,
  PartitionChannelSpec,
  PartitionCommit,
  TopicPartition,
  EventSource,
  OutboundMessage,
  Publisher,
  SourceOptions,
  StateEntry,
  StateStore,
} from '../pipeline/ports.ts';
import { vigilError } from '../errors.ts';
import { silentLogger, type BusLogger } from './log.ts';
import { MemoryChangelogs } from './memory-changelog.ts';
import { MemoryGroup } from './memory-group.ts';
import { MemoryTopic } from './memory-log.ts';
import { MemorySource } from './memory-source.ts';
import { readStateFile, stateFilePath, writeStateFile } from './file-state.ts';
import { partitionForKey } from '../events/partitioner.ts';
import { coreTopics, resolveTopicNames, stateTopic, type TopicNames } from './topics.ts';

export interface MemoryBusOptions {
  topics?: Partial<TopicNames>;
  /** Partitions per topic (default 6, as on Kafka). */
  partitions?: number;
  /** Most messages per batch (default 500). */
  maxBatchSize?: number;
  /** Backoff before a failed batch is redelivered (default 100 ms doubling to 5 s). */
  retryBackoffMs?: { initial: number; max: number };
  /** Messages kept per partition when no group has consumed them (default 100,000). */
  maxMessagesPerPartition?: number;
  logger?: BusLogger;
  /** Keep detector state in files under this directory, so it survives restarts. */
  stateDir?: string;
  /** Tests: an error to fail a partition's commit with (checked on every commit). */
  failCommit?: (input: TopicPartition) => Error | undefined;
}

export interface MemoryBus extends Bus {
  readonly topics: Readonly<TopicNames>;
}

export function createMemoryBus(options: MemoryBusOptions = {}): MemoryBus {
  const names = resolveTopicNames(options.topics);
  const partitions = options.partitions ?? 6;
  const logger = options.logger ?? silentLogger;
  const maxEntries = options.maxMessagesPerPartition ?? 100_000;
  const tuning = {
    maxBatchSize: options.maxBatchSize ?? 500,
    retryBackoffMs: options.retryBackoffMs ?? { initial: 100, max: 5000 },
  };
  const topics = new Map<string, MemoryTopic>();
  const groups = new Map<string, MemoryGroup>();
  const sources = new Set<MemorySource>();
  const states = new Map<string, Map<string, unknown>>();
  const roundRobin = new Map<string, number>();
  let closed = false;

  const assertOpen = (what: string): void => {
    if (closed) throw vigilError('VGL_ERR_BUS_STOPPED', [what]);
  };

  const topic = (name: string): MemoryTopic => {
    let t = topics.get(name);
    if (t === undefined) {
      t = new MemoryTopic(name, partitions, maxEntries);
      topics.set(name, t);
    }
    return t;
  };

  // Drop what every group that reads `name` has committed past; groups that left keep
  // their offsets and still count, so a restarted member resumes without loss.
  const trim = (name: string): void => {
    const readers = [...groups.values()].filter((g) => g.subscribes(name) || g.committedOn(name).size > 0);
    if (readers.length === 0) return;
    topic(name).partitions.forEach((log, p) => {
      log.trimBefore(Math.min(...readers.map((g) => g.committedOn(name).get(p) ?? log.start)));
    });
  };

  const append = (name: string, messages: readonly OutboundMessage[]): void => {
    if (messages.length === 0) return;
    const t = topic(name);
    for (const m of messages) {
      let partition: number;
      if (m.key === null) {
        partition = roundRobin.get(name) ?? 0;
        roundRobin.set(name, (partition + 1) % partitions);
      } else {
        partition = partitionForKey(m.key, partitions);
      }
      const value = typeof m.value === 'string' ? Buffer.from(m.value, 'utf8') : m.value;
      t.append(partition, {
        key: m.key === null ? null : Buffer.from(m.key, 'utf8'),
        value,
        headers: { ...m.headers },
      });
    }
    t.notify();
  };

  const publisher: Publisher = {
    async publish(name: string, messages: OutboundMessage[]): Promise<void> {
      assertOpen('publish');
      append(name, messages);
    },
  };

  const changelogs = new MemoryChangelogs(options.stateDir);

  // The whole commit happens in one synchronous step, so it is atomic in this process.
  const openPartition = async (spec: PartitionChannelSpec): Promise<PartitionChannel> => ({
    async commit(work: PartitionCommit): Promise<void> {
      assertOpen('commit');
      const fault = options.failCommit?.(spec.input);
      if (fault !== undefined) throw fault;
      for (const o of work.outputs) append(o.topic, o.messages);
      changelogs.apply(spec.changelogTopic, spec.input.partition, work.state);
      groups.get(spec.groupId)?.commit(spec.input, Number(work.nextOffset));
    },
    async close(): Promise<void> {},
  });

  return {
    topics: names,
    async ensureTopics(extra: string[] = []): Promise<void> {
      assertOpen('ensureTopics');
      for (const name of [...coreTopics(names), ...extra]) topic(name);
    },
    source(sourceOptions: SourceOptions): EventSource {
      assertOpen('source');
      let group = groups.get(sourceOptions.groupId);
      if (group === undefined) {
        group = new MemoryGroup(sourceOptions.groupId, topic);
        groups.set(sourceOptions.groupId, group);
      }
      const source = new MemorySource(group, topic, sourceOptions, tuning, logger, trim);
      sources.add(source);
      return source;
    },
    async publisher(): Promise<Publisher> {
      assertOpen('publisher');
      return publisher;
    },
    openPartition,
    async readChangelog(name: string, parts: number[], onRecord: ChangelogRecordHandler): Promise<void> {
      assertOpen('readChangelog');
      changelogs.read(name, parts, onRecord);
    },
    stateStore(service: string): StateStore {
      assertOpen('stateStore');
      const key = stateTopic(names, service);
      const file = options.stateDir === undefined ? undefined : stateFilePath(options.stateDir, key);
      let values = states.get(key);
      if (values === undefined) {
        values = file === undefined ? new Map() : readStateFile(file);
        states.set(key, values);
      }
      const store = values;
      return {
        async loadAll(): Promise<Map<string, unknown>> {
          // Copies, like a read from Kafka: a caller mutating a restored snapshot must not
          // change the checkpoint.
          return new Map([...store].map(([k, v]) => [k, structuredClone(v)]));
        },
        async save(entries: StateEntry[]): Promise<void> {
          assertOpen('save state');
          for (const e of entries) {
            if (e.value === null || e.value === undefined) store.delete(e.key);
            else store.set(e.key, JSON.parse(JSON.stringify(e.value)) as unknown);
          }
          if (file !== undefined) writeStateFile(file, store);
        },
      };
    },
    async close(): Promise<void> {
      // Sources drain first: their last batches may still publish and save state.
      await Promise.all([...sources].map((s) => s.stop()));
      changelogs.flush();
      closed = true;
    },
  };
}
