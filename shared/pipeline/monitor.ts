/**
 * A monitor service: consume → validate → detect → commit, for one input topic, with
 * effectively-once state (the Kafka Streams `exactly_once` pattern). Each owned input
 * partition has a Processor (its keyed state) and a PartitionChannel; a batch's alerts,
 * dead letters, changed state records and input offset are committed in one transaction,
 * so a crash or a failed write leaves all of them as they were before the batch. A
 * failed batch throws away the partition's in-memory state and restores it from the
 * changelog before the batch comes again, so nothing is learned twice.
 */
import { decodeMessage, type Decoded } from '../events/decode.ts';
import type { Alert, EventType, VigilEvent } from '../events/types.ts';
import { errorMessage } from '../errors.ts';
import { deadLetterMessage } from './dead-letter.ts';
import { NO_METRICS, type PipelineLogger, type PipelineMetrics } from './observer.ts';
import { OwnedPartitions, type OwnedPartition } from './owned-partitions.ts';
import type { Bus, EventSource, OutboundMessage, SourceBatch } from './ports.ts';
import { Processor, type DetectorFailure, type ProcessorOptions } from './processor.ts';
import type { ResolvedDetector } from './registry.ts';

export interface MonitorOptions {
  service: string;
  eventType: EventType;
  groupId: string;
  inputTopic: string;
  alertsTopic: string;
  dlqTopic: string;
  changelogTopic: string;
  detectors: readonly ResolvedDetector[];
  source: EventSource;
  bus: Pick<Bus, 'openPartition' | 'readChangelog'>;
  processor?: ProcessorOptions;
  /** Re-keyed streams fed from this input: valid events with a key go to `topic`, in the batch's transaction. */
  repartition?: ReadonlyArray<{ topic: string; key(event: VigilEvent): string | undefined }>;
  /** Events dated further than this past the wall clock are dead-lettered (default: off). */
  maxFutureSkewMs?: number;
  log: PipelineLogger;
  metrics?: PipelineMetrics;
  /** Wall clock, for `detected_at`, the future-skew check and dead letters only. */
  now?: () => number;
}

type Owned = OwnedPartition<Processor>;

export class Monitor {
  private readonly owned: OwnedPartitions<Processor>;
  private detectors: ResolvedDetector[];
  private readonly metrics: PipelineMetrics;
  private readonly now: () => number;
  private running = false;

  constructor(private readonly options: MonitorOptions) {
    this.metrics = options.metrics ?? NO_METRICS;
    this.detectors = [...options.detectors];
    this.now = options.now ?? Date.now;
    this.owned = new OwnedPartitions<Processor>({
      groupId: options.groupId,
      changelogTopic: options.changelogTopic,
      bus: options.bus,
      fresh: () => new Processor(this.detectors, this.options.processor),
      load: (processor, key, value) => processor.state.load(key, value),
      what: 'detector state',
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
    this.options.log.info(
      { service: this.options.service, topic: this.options.inputTopic },
      'monitor started',
    );
  }

  /** Stops consuming (the batch in flight commits or not, as a whole), then closes channels. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.options.source.stop();
    await this.owned.revokeAll();
  }

  /** Ready when every owned partition's state is restored and it is processing. */
  ready(): boolean {
    return this.running && this.owned.ready();
  }

  /** Partitions that cannot be processed, with why (for /readyz and logs). */
  problems(): string[] {
    return this.owned.problems();
  }

  /** Applies a changed detector config to every partition; baselines carry over. */
  reconfigure(detector: ResolvedDetector): void {
    const id = detector.definition.id;
    if (!this.detectors.some((d) => d.definition === detector.definition)) return;
    this.detectors = this.detectors.map((d) => (d.definition === detector.definition ? detector : d));
    for (const o of this.owned.values()) o.state.reconfigure(detector);
    this.options.log.info({ detector: id, config: detector.config }, 'detector reconfigured');
  }

  async handle(batch: SourceBatch): Promise<void> {
    const started = process.hrtime.bigint();
    const entry = await this.owned.acquire(batch);
    const processor = entry.state;

    const nowMs = this.now();
    const decoded: Decoded = { events: [], rejections: [] };
    const offsets: string[] = [];
    const deadLetters: OutboundMessage[] = [];
    // Offsets at or past this were applied by a transaction already (a zombie's fetch).
    const applied = processor.nextOffset === undefined ? -1n : BigInt(processor.nextOffset);
    for (const message of batch.messages) {
      if (BigInt(message.offset) < applied) continue;
      const rejectedBefore = decoded.rejections.length;
      const eventsBefore = decoded.events.length;
      decodeMessage(message.value, decoded);
      this.screen(decoded, eventsBefore, batch.topic, nowMs);
      while (offsets.length < decoded.events.length) offsets.push(message.offset);
      const source = { topic: batch.topic, partition: batch.partition, offset: message.offset };
      for (let i = rejectedBefore; i < decoded.rejections.length; i++) {
        const r = decoded.rejections[i]!;
        deadLetters.push(deadLetterMessage(r.raw, message.key, source, r.reason, nowMs));
      }
    }
    const last = batch.messages[batch.messages.length - 1];
    if (last === undefined) return;

    const changed = new Map<string, Alert>();
    const failures: DetectorFailure[] = [];
    const late: VigilEvent[] = [];
    try {
      processor.process(decoded.events, nowMs, changed, failures, late);
    } catch (err) {
      this.owned.fail(entry, err);
    }
    if (late.length > 0) this.deadLetterLate(late, decoded.events, offsets, batch, deadLetters, nowMs);
    processor.nextOffset = (BigInt(last.offset) + 1n).toString();
    const records = processor.drain();

    const outputs = [];
    if (changed.size > 0) {
      const messages = [...changed.values()].map((a) => ({ key: a.alert_id, value: JSON.stringify(a) }));
      outputs.push({ topic: this.options.alertsTopic, messages });
    }
    if (deadLetters.length > 0) outputs.push({ topic: this.options.dlqTopic, messages: deadLetters });
    for (const r of this.options.repartition ?? []) {
      const messages: OutboundMessage[] = [];
      for (const event of decoded.events) {
        const key = r.key(event);
        if (key !== undefined) messages.push({ key, value: JSON.stringify(event) });
      }
      if (messages.length > 0) outputs.push({ topic: r.topic, messages });
    }
    await this.owned.commit(entry, { outputs, state: records, nextOffset: processor.nextOffset });
    processor.compact();
    this.report(batch, entry, decoded, late.length, changed, failures, records.length, started);
  }

  private deadLetterLate(
    late: readonly VigilEvent[],
    events: readonly VigilEvent[],
    offsets: readonly string[],
    batch: SourceBatch,
    into: OutboundMessage[],
    nowMs: number,
  ): void {
    const offsetOf = new Map(events.map((e, i) => [e, offsets[i] ?? '?'] as const));
    const minutes = (this.options.processor?.allowedLatenessMs ?? 0) / 60_000;
    const watermark = new Date(this.owned.get(batch)?.state.watermarkMs ?? 0).toISOString();
    for (const event of late) {
      const reason = `late: ts ${new Date(event.ts).toISOString()} is more than ${minutes} min behind the partition's event time ${watermark}`;
      const source = { topic: batch.topic, partition: batch.partition, offset: offsetOf.get(event) ?? '?' };
      into.push(deadLetterMessage(Buffer.from(JSON.stringify(event)), null, source, reason, nowMs));
    }
  }

  /** Rejects events of the wrong type for the topic, and events dated in the future. */
  private screen(decoded: Decoded, from: number, topic: string, nowMs: number): void {
    const skew = this.options.maxFutureSkewMs;
    for (let i = from; i < decoded.events.length; i++) {
      const event = decoded.events[i] as VigilEvent;
      let reason: string | undefined;
      if (event.type !== this.options.eventType) {
        reason = `type: expected ${this.options.eventType} on topic ${topic}, got "${event.type}"`;
      } else if (skew !== undefined && skew > 0 && event.ts > nowMs + skew) {
        reason = `ts: ${new Date(event.ts).toISOString()} is more than ${skew / 60_000} min after the wall clock`;
      }
      if (reason === undefined) continue;
      decoded.rejections.push({ reason, raw: Buffer.from(JSON.stringify(event)) });
      decoded.events.splice(i--, 1);
    }
  }

  private report(
    batch: SourceBatch,
    entry: Owned,
    decoded: Decoded,
    late: number,
    changed: Map<string, Alert>,
    failures: DetectorFailure[],
    records: number,
    started: bigint,
  ): void {
    const m = this.metrics;
    const accepted = decoded.events.length - late;
    if (accepted > 0) m.eventsIn(this.options.eventType, accepted);
    if (late > 0) m.lateEvents(batch.topic, late);
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
    for (const [id, s] of entry.state.drainTimings()) if (s > 0) m.detectorSeconds(id, s);
    for (const r of entry.state.drainRuleCounts()) m.ruleApplied(r.rule, r.detector, r.effect, r.n);
    m.stateRecords(records);
    const last = batch.messages[batch.messages.length - 1];
    if (last !== undefined) {
      m.lag(batch.topic, batch.partition, Math.max(0, Number(batch.highWatermark) - Number(last.offset) - 1));
    }
    m.batch(Number(process.hrtime.bigint() - started) / 1e9);
  }
}
