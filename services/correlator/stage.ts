/**
 * One consume → process → commit loop of the correlator, with the monitors' delivery
 * guarantee (Kafka Streams' exactly-once pattern, on the same bus ports and the same
 * partition ownership, shared/pipeline/owned-partitions.ts): each owned input partition
 * has keyed state restored from its changelog partition and a transactional channel; a
 * batch's outputs, changed state records and input offset are committed in one
 * transaction. Offsets a transaction already covered (a zombie's fetch) are skipped.
 */
import type { KeyedStore } from '../../shared/pipeline/keyed-store.ts';
import type { PipelineLogger, PipelineMetrics } from '../../shared/pipeline/observer.ts';
import { NO_METRICS } from '../../shared/pipeline/observer.ts';
import { OwnedPartitions } from '../../shared/pipeline/owned-partitions.ts';
import { PartitionState, type StateBudget } from '../../shared/pipeline/partition-state.ts';
import type {
  Bus,
  EventSource,
  InboundMessage,
  OutboundBatch,
  SourceBatch,
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

/** A partition's state: its keyed stores, the next input offset, and the handler over them. */
interface StageState {
  state: PartitionState;
  offset: KeyedStore<string>;
  handler: StageHandler;
}

const FOREVER = { pinned: true, idleTtlMs: Number.POSITIVE_INFINITY };

export class TransactionalStage {
  private readonly owned: OwnedPartitions<StageState>;
  private readonly metrics: PipelineMetrics;
  private readonly now: () => number;
  private running = false;

  constructor(private readonly options: StageOptions) {
    this.metrics = options.metrics ?? NO_METRICS;
    this.now = options.now ?? Date.now;
    this.owned = new OwnedPartitions<StageState>({
      groupId: options.groupId,
      changelogTopic: options.changelogTopic,
      bus: options.bus,
      fresh: () => {
        const state = new PartitionState(options.budget);
        return { state, offset: state.store<string>(OFFSET_STORE, FOREVER), handler: options.handler(state) };
      },
      load: (s, key, value) => s.state.load(key, value),
      what: 'correlator state',
      log: options.log,
      metrics: this.metrics,
      now: this.now,
    });
  }

  async start(): Promise<void> {
    this.running = true;
    await this.options.source.start((batch) => this.handle(batch), {
      onAssigned: (tps) => this.owned.assign(tps),
      onRevoked: (tps) => this.owned.revoke(tps),
    });
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.options.source.stop();
    await this.owned.revokeAll();
  }

  ready(): boolean {
    return this.running && this.owned.ready();
  }

  problems(): string[] {
    return this.owned.problems();
  }

  async handle(batch: SourceBatch): Promise<void> {
    const started = process.hrtime.bigint();
    const entry = await this.owned.acquire(batch);
    const last = batch.messages[batch.messages.length - 1];
    if (last === undefined) return;
    const { state, offset, handler } = entry.state;
    const next = offset.peek('next');
    const applied = next === undefined ? -1n : BigInt(next);
    const messages = batch.messages.filter((m) => BigInt(m.offset) >= applied);

    state.beginBatch();
    let outputs: OutboundBatch[] = [];
    try {
      outputs = handler.process(messages, this.now());
    } catch (err) {
      this.owned.fail(entry, err);
    }
    const nextOffset = (BigInt(last.offset) + 1n).toString();
    offset.put('next', nextOffset);
    const records = state.drain();
    await this.owned.commit(entry, { outputs, state: records, nextOffset });
    state.compact();
    this.metrics.stateRecords(records.length);
    this.metrics.lag(
      batch.topic,
      batch.partition,
      Math.max(0, Number(batch.highWatermark) - Number(last.offset) - 1),
    );
    this.metrics.batch(Number(process.hrtime.bigint() - started) / 1e9);
  }
}
