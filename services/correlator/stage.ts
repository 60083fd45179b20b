/**
 * One consume → process → commit loop of the correlator, with the monitors' delivery
 * guarantee (Kafka Streams' exactly-once pattern, on the same bus ports): each owned input
 * partition has keyed state restored from its changelog partition and a transactional
 * channel; a batch's outputs, changed state records and input offset are committed in one
 * transaction. A failed commit throws the partition's state away and restores it before
 * the batch comes again, so nothing is applied twice; offsets a transaction already
 * covered (a zombie's fetch) are skipped.
 */
import { errorMessage, VigilError, vigilError } from '../../shared/errors.ts';
import type { KeyedStore } from '../../shared/pipeline/keyed-store.ts';
import type { PipelineLogger, PipelineMetrics } from '../../shared/pipeline/observer.ts';
import { NO_METRICS } from '../../shared/pipeline/observer.ts';
import { PartitionState, type StateBudget } from '../../shared/pipeline/partition-state.ts';
import type {
  Bus,
  EventSource,
  InboundMessage,
  OutboundBatch,
  PartitionChannel,
  SourceBatch,
  TopicPartition,
} from '../../shared/pipeline/ports.ts';
import { OFFSET_STORE } from '../../shared/pipeline/processor.ts';

/** What a stage does with one partition's batch; state changes go to its PartitionState. */
export interface StageHandler {
  process(messages: readonly InboundMessage[], nowMs: number): OutboundBatch[];
}

export interface StageOptions {
  groupId: string;
  inputTopic: string;
  changelogTopic: string;
  source: EventSource;
  bus: Pick<Bus, 'openPartition' | 'readChangelog'>;
  /** The handler of one partition, over that partition's state. */
  handler(state: PartitionState): StageHandler;
  budget?: StateBudget;
  log: PipelineLogger;
  metrics?: PipelineMetrics;
  /** Wall clock (detected_at of incidents). */
  now?: () => number;
}

type Status = 'restoring' | 'ready' | 'stale' | 'failed' | 'fenced';

interface Owned {
  tp: TopicPartition;
  state: PartitionState;
  offset: KeyedStore<string>;
  handler: StageHandler;
  channel: PartitionChannel | undefined;
  status: Status;
  failure?: unknown;
}

const keyOf = (tp: TopicPartition): string => `${tp.topic}:${tp.partition}`;
const FOREVER = { pinned: true, idleTtlMs: Number.POSITIVE_INFINITY };

export class TransactionalStage {
  private readonly owned = new Map<string, Owned>();
  private readonly metrics: PipelineMetrics;
  private readonly now: () => number;
  private running = false;

  constructor(private readonly options: StageOptions) {
    this.metrics = options.metrics ?? NO_METRICS;
    this.now = options.now ?? Date.now;
  }

  async start(): Promise<void> {
    this.running = true;
    await this.options.source.start((batch) => this.handle(batch), {
      onAssigned: (tps) =>
        this.restore(tps.filter((tp) => !this.owned.has(keyOf(tp))).map((tp) => this.adopt(tp))),
      onRevoked: (tps) => this.revoke(tps),
    });
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.options.source.stop();
    await this.revoke([...this.owned.values()].map((o) => o.tp));
  }

  ready(): boolean {
    if (!this.running) return false;
    for (const o of this.owned.values()) if (o.status !== 'ready' && o.status !== 'stale') return false;
    return true;
  }

  problems(): string[] {
    return [...this.owned.values()]
      .filter((o) => o.status === 'failed' || o.status === 'fenced' || o.status === 'restoring')
      .map((o) => `${keyOf(o.tp)} ${o.status}${o.failure ? `: ${errorMessage(o.failure)}` : ''}`);
  }

  private fresh(entry: Pick<Owned, 'state' | 'offset' | 'handler'>): void {
    entry.state = new PartitionState(this.options.budget);
    entry.offset = entry.state.store<string>(OFFSET_STORE, FOREVER);
    entry.handler = this.options.handler(entry.state);
  }

  private adopt(tp: TopicPartition): Owned {
    const entry = { tp, channel: undefined, status: 'restoring' } as Owned;
    this.fresh(entry);
    this.owned.set(keyOf(tp), entry);
    return entry;
  }

  private async restore(entries: Owned[]): Promise<void> {
    if (entries.length === 0) return;
    const { bus, changelogTopic, groupId } = this.options;
    const started = this.now();
    try {
      for (const e of entries) {
        e.status = 'restoring';
        this.fresh(e);
        e.channel ??= await bus.openPartition({ groupId, input: e.tp, changelogTopic });
      }
      const byPartition = new Map(entries.map((e) => [e.tp.partition, e] as const));
      let records = 0;
      await bus.readChangelog(changelogTopic, [...byPartition.keys()], (partition, key, value) => {
        byPartition.get(partition)?.state.load(key, value);
        records++;
      });
      for (const e of entries) {
        e.status = 'ready';
        e.failure = undefined;
      }
      this.metrics.restored((this.now() - started) / 1000, records);
    } catch (err) {
      const failure =
        err instanceof VigilError
          ? err
          : vigilError('VGL_ERR_STATE_RESTORE', [changelogTopic, errorMessage(err)], { cause: err });
      for (const e of entries) {
        e.status = 'failed';
        e.failure = failure;
      }
      this.metrics.restoreFailed(entries.length);
      this.options.log.error(
        { code: failure.code, partitions: entries.map((e) => keyOf(e.tp)), err: failure.message },
        'correlator state restore failed; the partitions wait',
      );
    }
  }

  private async revoke(tps: TopicPartition[]): Promise<void> {
    for (const tp of tps) {
      const entry = this.owned.get(keyOf(tp));
      if (entry === undefined) continue;
      this.owned.delete(keyOf(tp));
      await entry.channel?.close().catch((err: unknown) => {
        this.options.log.warn({ partition: keyOf(tp), err: errorMessage(err) }, 'closing a channel failed');
      });
    }
  }

  async handle(batch: SourceBatch): Promise<void> {
    const started = process.hrtime.bigint();
    let entry = this.owned.get(keyOf(batch));
    if (entry === undefined) entry = this.adopt(batch);
    if (entry.status === 'fenced') throw entry.failure;
    if (entry.status !== 'ready') await this.restore([entry]);
    if (entry.status !== 'ready') throw entry.failure;
    const last = batch.messages[batch.messages.length - 1];
    if (last === undefined) return;
    const next = entry.offset.peek('next');
    const applied = next === undefined ? -1n : BigInt(next);
    const messages = batch.messages.filter((m) => BigInt(m.offset) >= applied);

    entry.state.beginBatch();
    let outputs: OutboundBatch[];
    try {
      outputs = entry.handler.process(messages, this.now());
    } catch (err) {
      entry.status = 'failed';
      entry.failure = err;
      throw err;
    }
    const nextOffset = (BigInt(last.offset) + 1n).toString();
    entry.offset.put('next', nextOffset);
    const records = entry.state.drain();
    try {
      await entry.channel!.commit({ outputs, state: records, nextOffset });
    } catch (err) {
      const fenced = err instanceof VigilError && err.code === 'VGL_ERR_BUS_FENCED';
      entry.status = fenced ? 'fenced' : 'stale';
      entry.failure = err;
      throw err;
    }
    entry.state.compact();
    this.metrics.stateRecords(records.length);
    this.metrics.lag(
      batch.topic,
      batch.partition,
      Math.max(0, Number(batch.highWatermark) - Number(last.offset) - 1),
    );
    this.metrics.batch(Number(process.hrtime.bigint() - started) / 1e9);
  }
}
