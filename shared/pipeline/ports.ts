/**
 * The I/O ports the pipeline needs. `shared/bus` implements them on Kafka (kafkajs) and on
 * the embedded in-process bus; `shared/store` implements the alert/event sinks on ClickHouse.
 * The pipeline only ever sees these interfaces.
 */

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface InboundMessage {
  key: Buffer | null;
  value: Buffer | null;
  /** Kafka offset as a decimal string. */
  offset: string;
}

export interface SourceBatch extends TopicPartition {
  messages: InboundMessage[];
  /** Offset of the next message the broker will write; lag = highWatermark - last offset - 1. */
  highWatermark: string;
}

/**
 * Processes one batch. When the promise resolves, every message in it is done and its
 * offset may be committed; when it rejects, nothing in the batch is committed and the
 * batch is delivered again.
 */
export type BatchHandler = (batch: SourceBatch) => Promise<void>;

export interface PartitionListener {
  /** Called before the first batch of newly assigned partitions is handled. */
  onAssigned?(partitions: TopicPartition[]): Promise<void>;
  /** Called after the last batch of partitions being taken away was handled. */
  onRevoked?(partitions: TopicPartition[]): Promise<void>;
}

export interface EventSource {
  /** Starts consuming `topics` as consumer group `groupId`; resolves once running. */
  start(handler: BatchHandler, listener?: PartitionListener): Promise<void>;
  /** Stops fetching, waits for the batch in flight, commits what succeeded, disconnects. */
  stop(): Promise<void>;
}

export interface SourceOptions {
  groupId: string;
  topics: string[];
  /** Start from the earliest offset when the group has none committed (default true). */
  fromBeginning?: boolean;
  /**
   * Offsets are committed by the handler through a PartitionChannel, inside the same
   * transaction as its outputs and state; the source only moves on (default false: the
   * source commits each batch after its handler resolved).
   */
  transactional?: boolean;
  /** Called when the source fails for good (kafkajs gave up restarting it). */
  onFatal?(err: Error): void;
}

export interface OutboundMessage {
  key: string | null;
  value: string | Buffer;
  headers?: Record<string, string>;
}

export interface Publisher {
  /** Resolves only after the broker acknowledged every message (acks=all). */
  publish(topic: string, messages: OutboundMessage[]): Promise<void>;
}

/** One changelog record: key `<store id>|<entity key>`, value the record text or null. */
export interface StateRecord {
  key: string;
  value: string | null;
}

export interface OutboundBatch {
  topic: string;
  messages: OutboundMessage[];
}

/** What one batch of one input partition commits, all or nothing. */
export interface PartitionCommit {
  outputs: OutboundBatch[];
  /** Changelog records; they go to the changelog partition numbered like the input's. */
  state: StateRecord[];
  /** Input offset of the next message to consume (last processed + 1). */
  nextOffset: string;
}

/**
 * The transactional side of one owned input partition (Kafka: a transactional producer
 * whose id is tied to the partition, so opening it fences any older owner; embedded: an
 * atomic in-memory commit). Opened when the partition is assigned, closed when revoked.
 */
export interface PartitionChannel {
  commit(work: PartitionCommit): Promise<void>;
  close(): Promise<void>;
}

export interface PartitionChannelSpec {
  /** The consumer group whose offset the channel commits. */
  groupId: string;
  input: TopicPartition;
  changelogTopic: string;
}

export type ChangelogRecordHandler = (partition: number, key: string, value: string | null) => void;

export interface StateEntry {
  key: string;
  /** JSON-serialisable snapshot, or null to delete (a tombstone). */
  value: unknown;
}

/** Detector state checkpoints: a compacted topic per service (`vigil.state.<service>`). */
export interface StateStore {
  /** Latest value of every key (tombstoned keys omitted). */
  loadAll(): Promise<Map<string, unknown>>;
  save(entries: StateEntry[]): Promise<void>;
}

export interface Bus {
  /** Creates missing topics (the §2 set plus `extra`); idempotent. */
  ensureTopics(extra?: string[]): Promise<void>;
  source(options: SourceOptions): EventSource;
  publisher(): Promise<Publisher>;
  stateStore(service: string): StateStore;
  /** Opens the channel of one owned input partition (creating its changelog topic if needed). */
  openPartition(spec: PartitionChannelSpec): Promise<PartitionChannel>;
  /** Reads `partitions` of a changelog from the start to their current end, in order. */
  readChangelog(topic: string, partitions: number[], onRecord: ChangelogRecordHandler): Promise<void>;
  close(): Promise<void>;
}
