/**
 * Runs detectors over recorded events the way the live monitors would: one Processor per
 * event type and partition, each event routed by its Kafka key with Kafka's partitioner.
 * Each processor therefore sees exactly the event sequence (and so the watermark) of the
 * live partition, and `vigil replay`, backtests and the live run give the same alerts.
 */
import { partitionKey } from '../events/keys.ts';
import { partitionForKey } from '../events/partitioner.ts';
import type { Alert, EventType, VigilEvent } from '../events/types.ts';
import { Processor, type DetectorFailure, type ProcessorOptions } from './processor.ts';
import type { ResolvedDetector } from './registry.ts';

export interface PartitionedRunOptions extends ProcessorOptions {
  /** Partitions per input topic, as on the live bus (default 6). */
  partitions?: number;
}

const TYPES: readonly EventType[] = ['inference', 'access', 'facility'];

/** Detectors that run on a re-keyed stream, grouped by the stream (`<type>.by-<name>`). */
export interface RekeyedStage {
  stream: string;
  key(event: VigilEvent): string | undefined;
  detectors: ResolvedDetector[];
}

/** Splits detectors into those on the input streams and those on re-keyed streams. */
export function stagesOf(detectors: readonly ResolvedDetector[]): {
  direct: ResolvedDetector[];
  rekeyed: RekeyedStage[];
} {
  const direct: ResolvedDetector[] = [];
  const rekeyed = new Map<string, RekeyedStage>();
  for (const d of detectors) {
    const keyBy = d.definition.keyBy;
    if (keyBy === undefined) {
      direct.push(d);
      continue;
    }
    const stream = `${d.definition.eventType}.by-${keyBy.name}`;
    let stage = rekeyed.get(stream);
    if (stage === undefined) {
      const key = (e: VigilEvent): string | undefined =>
        e.type === d.definition.eventType ? keyBy.key(e as never) : undefined;
      rekeyed.set(stream, (stage = { stream, key, detectors: [] }));
    }
    stage.detectors.push(d);
  }
  return { direct, rekeyed: [...rekeyed.values()] };
}

export class PartitionedRun {
  readonly partitions: number;
  private readonly processors = new Map<string, Processor>();
  private readonly pending = new Map<string, VigilEvent[]>();
  private readonly byStream = new Map<string, readonly ResolvedDetector[]>();
  private readonly rekeyed: RekeyedStage[];

  constructor(
    detectors: readonly ResolvedDetector[],
    private readonly options: PartitionedRunOptions = {},
  ) {
    this.partitions = options.partitions ?? 6;
    const { direct, rekeyed } = stagesOf(detectors);
    for (const t of TYPES)
      this.byStream.set(
        t,
        direct.filter((d) => d.definition.eventType === t),
      );
    for (const stage of rekeyed) this.byStream.set(stage.stream, stage.detectors);
    this.rekeyed = rekeyed;
  }

  /** Queues `event` for its partition (and its re-keyed streams'); nothing runs until `flush`. */
  add(event: VigilEvent): void {
    this.queue(`${event.type}:${partitionForKey(partitionKey(event), this.partitions)}`, event);
    for (const stage of this.rekeyed) {
      const key = stage.key(event);
      if (key !== undefined) this.queue(`${stage.stream}:${partitionForKey(key, this.partitions)}`, event);
    }
  }

  private queue(slot: string, event: VigilEvent): void {
    let list = this.pending.get(slot);
    if (list === undefined) this.pending.set(slot, (list = []));
    list.push(event);
  }

  /** Processes everything queued, partition by partition; returns the input events processed. */
  flush(
    detectedAtMs: number,
    changed: Map<string, Alert>,
    failures?: DetectorFailure[],
    late?: VigilEvent[],
  ): number {
    let n = 0;
    for (const [slot, events] of this.pending) {
      if (events.length === 0) continue;
      // Re-keyed streams carry copies of input events: they are neither counted nor
      // reported late twice.
      const direct = !slot.includes('.by-');
      this.processor(slot).process(events, detectedAtMs, changed, failures, direct ? late : []);
      if (direct) n += events.length;
      events.length = 0;
    }
    return n;
  }

  /** The processor of `slot` (`<stream>:<partition>`), created on first use. */
  processor(slot: string): Processor {
    let p = this.processors.get(slot);
    if (p === undefined) {
      const stream = slot.slice(0, slot.lastIndexOf(':'));
      p = new Processor(this.byStream.get(stream) ?? [], this.options);
      this.processors.set(slot, p);
    }
    return p;
  }

  /** Every processor, by slot (for state inspection and benchmarks). */
  entries(): IterableIterator<[string, Processor]> {
    return this.processors.entries();
  }
}

/** Runs `detectors` over `events` as the live partitions would; returns every alert's final state. */
export function detectPartitioned(
  events: Iterable<VigilEvent>,
  detectors: readonly ResolvedDetector[],
  options: PartitionedRunOptions & { chunk?: number } = {},
): Alert[] {
  const run = new PartitionedRun(detectors, options);
  const alerts = new Map<string, Alert>();
  const chunk = options.chunk ?? 4096;
  let n = 0;
  for (const e of events) {
    run.add(e);
    if (++n % chunk === 0) run.flush(0, alerts);
  }
  run.flush(0, alerts);
  return [...alerts.values()];
}
