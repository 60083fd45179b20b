/**
 * A monitor service: consume → validate → detect → emit → commit, for one input topic.
 * One Processor per assigned partition holds the baselines of the entities keyed to it.
 * A batch resolves (and the bus commits its offsets) only after its alerts, dead letters
 * and stored events were acknowledged, so a crash replays the batch: at-least-once, with
 * deterministic alert ids that sinks deduplicate.
 */
import { decodeMessage, type Decoded } from '../events/decode.ts';
import type { Alert, EventType, VigilEvent } from '../events/types.ts';
import { errorMessage } from '../errors.ts';
import { deadLetterMessage } from './dead-letter.ts';
import { NO_METRICS, type PipelineLogger, type PipelineMetrics } from './observer.ts';
import type {
  EventSource,
  OutboundMessage,
  Publisher,
  SourceBatch,
  StateStore,
  TopicPartition,
} from './ports.ts';
import { Processor, type DetectorFailure, type ProcessorState } from './processor.ts';
import type { ResolvedDetector } from './registry.ts';

export interface EventSink {
  /** `texts[i]` is event i's JSON as received, when it came alone in its message. */
  write(events: readonly VigilEvent[], texts?: ReadonlyArray<string | undefined>): Promise<void>;
}

export interface MonitorOptions {
  service: string;
  eventType: EventType;
  inputTopic: string;
  alertsTopic: string;
  dlqTopic: string;
  detectors: readonly ResolvedDetector[];
  source: EventSource;
  publisher: Publisher;
  stateStore?: StateStore | undefined;
  eventSink?: EventSink | undefined;
  checkpointIntervalMs: number;
  log: PipelineLogger;
  metrics?: PipelineMetrics;
  /** Wall clock, for `detected_at` and checkpoint pacing only. */
  now?: () => number;
}

interface PartitionState {
  processor: Processor;
  lastCheckpointMs: number;
  dirty: boolean;
}

const stateKey = (tp: TopicPartition): string => `${tp.topic}:${tp.partition}`;

export class Monitor {
  private readonly partitions = new Map<string, PartitionState>();
  private detectors: ResolvedDetector[];
  private readonly metrics: PipelineMetrics;
  private readonly now: () => number;
  private running = false;

  constructor(private readonly options: MonitorOptions) {
    this.metrics = options.metrics ?? NO_METRICS;
    this.detectors = [...options.detectors];
    this.now = options.now ?? Date.now;
  }

  async start(): Promise<void> {
    this.running = true;
    await this.options.source.start((batch) => this.handle(batch), {
      onAssigned: (tps) => this.assign(tps),
      onRevoked: (tps) => this.revoke(tps),
    });
    this.options.log.info(
      { service: this.options.service, topic: this.options.inputTopic },
      'monitor started',
    );
  }

  /** Drains the source (commits what succeeded), then checkpoints every partition. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.options.source.stop();
    await this.checkpoint([...this.partitions.keys()], true);
    this.partitions.clear();
  }

  private async assign(tps: TopicPartition[]): Promise<void> {
    const saved = this.options.stateStore
      ? await this.options.stateStore.loadAll()
      : new Map<string, unknown>();
    for (const tp of tps) {
      const key = stateKey(tp);
      if (this.partitions.has(key)) continue;
      this.partitions.set(key, this.createPartition(key, saved.get(key)));
    }
  }

  private createPartition(key: string, saved: unknown): PartitionState {
    const processor = new Processor(this.detectors);
    if (saved !== undefined && saved !== null) {
      const failed = processor.restore(saved as ProcessorState);
      this.options.log.info({ partition: key, failed }, 'detector state restored');
      if (failed.length > 0) {
        this.options.log.warn(
          { partition: key, detectors: failed, code: 'VGL_ERR_STATE_RESTORE' },
          'state restore failed',
        );
      }
    }
    return { processor, lastCheckpointMs: this.now(), dirty: false };
  }

  /** Applies a changed detector config to every partition; baselines carry over. */
  reconfigure(detector: ResolvedDetector): void {
    const id = detector.definition.id;
    this.detectors = this.detectors.map((d) => (d.definition.id === id ? detector : d));
    for (const [key, state] of this.partitions) {
      if (!state.processor.reconfigure(detector)) {
        this.options.log.warn(
          { partition: key, detector: id, code: 'VGL_ERR_STATE_RESTORE' },
          'state not carried over',
        );
      }
    }
    this.options.log.info({ detector: id, config: detector.config }, 'detector reconfigured');
  }

  private async revoke(tps: TopicPartition[]): Promise<void> {
    const keys = tps.map(stateKey);
    await this.checkpoint(keys, true);
    for (const key of keys) this.partitions.delete(key);
  }

  private partition(tp: TopicPartition): PartitionState {
    const key = stateKey(tp);
    let state = this.partitions.get(key);
    if (state === undefined) {
      // A bus without assignment callbacks (or a race) still gets a fresh processor.
      state = this.createPartition(key, undefined);
      this.partitions.set(key, state);
    }
    return state;
  }

  async handle(batch: SourceBatch): Promise<void> {
    const started = process.hrtime.bigint();
    const { eventType } = this.options;
    const nowMs = this.now();
    const decoded: Decoded = { events: [], rejections: [], texts: [] };
    const deadLetters: OutboundMessage[] = [];

    for (const message of batch.messages) {
      const rejectedBefore = decoded.rejections.length;
      const eventsBefore = decoded.events.length;
      decodeMessage(message.value, decoded);
      // Events of the wrong type on this topic are rejected, not silently ignored.
      for (let i = eventsBefore; i < decoded.events.length; i++) {
        const event = decoded.events[i] as VigilEvent;
        if (event.type !== eventType) {
          decoded.rejections.push({
            reason: `type: expected ${eventType} on topic ${batch.topic}, got "${event.type}"`,
            raw: Buffer.from(JSON.stringify(event)),
          });
          decoded.events.splice(i, 1);
          decoded.texts?.splice(i--, 1);
        }
      }
      const source = { topic: batch.topic, partition: batch.partition, offset: message.offset };
      for (let i = rejectedBefore; i < decoded.rejections.length; i++) {
        const r = decoded.rejections[i]!;
        deadLetters.push(deadLetterMessage(r.raw, message.key, source, r.reason, nowMs));
      }
    }

    const state = this.partition(batch);
    const changed = new Map<string, Alert>();
    const failures: DetectorFailure[] = [];
    state.processor.process(decoded.events, nowMs, changed, failures);
    if (decoded.events.length > 0) state.dirty = true;

    const alertMessages: OutboundMessage[] = [];
    for (const alert of changed.values()) {
      alertMessages.push({ key: alert.alert_id, value: JSON.stringify(alert) });
    }
    const writes: Promise<void>[] = [];
    if (alertMessages.length > 0)
      writes.push(this.options.publisher.publish(this.options.alertsTopic, alertMessages));
    if (deadLetters.length > 0)
      writes.push(this.options.publisher.publish(this.options.dlqTopic, deadLetters));
    if (this.options.eventSink && decoded.events.length > 0)
      writes.push(this.options.eventSink.write(decoded.events, decoded.texts));
    await Promise.all(writes);

    if (nowMs - state.lastCheckpointMs >= this.options.checkpointIntervalMs) {
      await this.checkpoint([stateKey(batch)], false);
    }
    this.report(batch, decoded, changed, failures, started);
  }

  private async checkpoint(keys: string[], force: boolean): Promise<void> {
    const store = this.options.stateStore;
    if (store === undefined) return;
    const entries = [];
    for (const key of keys) {
      const state = this.partitions.get(key);
      if (state === undefined || (!state.dirty && !force)) continue;
      entries.push({ key, value: state.processor.snapshot() });
      state.dirty = false;
      state.lastCheckpointMs = this.now();
    }
    if (entries.length > 0) await store.save(entries);
  }

  private report(
    batch: SourceBatch,
    decoded: Decoded,
    changed: Map<string, Alert>,
    failures: DetectorFailure[],
    started: bigint,
  ): void {
    const m = this.metrics;
    const state = this.partitions.get(stateKey(batch));
    if (decoded.events.length > 0) m.eventsIn(this.options.eventType, decoded.events.length);
    if (decoded.rejections.length > 0) {
      m.eventsInvalid(batch.topic, decoded.rejections.length);
      this.options.log.warn(
        {
          topic: batch.topic,
          partition: batch.partition,
          count: decoded.rejections.length,
          first: decoded.rejections[0]?.reason,
        },
        'invalid events sent to the dead-letter topic',
      );
    }
    for (const alert of changed.values())
      m.alertsOut(alert.detector, alert.event_count === 1 ? 'new' : 'update', 1);
    for (const f of failures.slice(0, 5)) {
      this.options.log.error(
        {
          code: 'VGL_ERR_DETECTOR_FAILED',
          detector: f.detector,
          event_id: f.eventId,
          err: errorMessage(f.error),
        },
        'detector failed on an event',
      );
    }
    if (state) for (const [id, s] of state.processor.drainTimings()) if (s > 0) m.detectorSeconds(id, s);
    const last = batch.messages[batch.messages.length - 1];
    if (last !== undefined) {
      m.lag(batch.topic, batch.partition, Math.max(0, Number(batch.highWatermark) - Number(last.offset) - 1));
    }
    m.batch(Number(process.hrtime.bigint() - started) / 1e9);
  }
}
