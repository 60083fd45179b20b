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

export class PartitionedRun {
  readonly partitions: number;
  private readonly processors = new Map<string, Processor>();
  private readonly pending = new Map<string, VigilEvent[]>();
  private readonly byType: ReadonlyMap<EventType, readonly ResolvedDetector[]>;

  constructor(
    detectors: readonly ResolvedDetector[],
    private readonly options: PartitionedRunOptions = {},
  ) {
    this.partitions = options.partitions ?? 6;
    this.byType = new Map(TYPES.map((t) => [t, detectors.filter((d) => d.definition.eventType === t)]));
  }

  /** Queues `event` for its partition; nothing runs until `flush`. */
  add(event: VigilEvent): void {
    const slot = `${event.type}:${partitionForKey(partitionKey(event), this.partitions)}`;
    let list = this.pending.get(slot);
    if (list === undefined) this.pending.set(slot, (list = []));
    list.push(event);
  }

  /** Processes everything queued, partition by partition. */
  flush(
    detectedAtMs: number,
    changed: Map<string, Alert>,
    failures?: DetectorFailure[],
    late?: VigilEvent[],
  ): number {
    let n = 0;
    for (const [slot, events] of this.pending) {
      if (events.length === 0) continue;
      this.processor(slot).process(events, detectedAtMs, changed, failures, late);
      n += events.length;
      events.length = 0;
    }
    return n;
  }

  /** The processor of `slot` (`<type>:<partition>`), created on first use. */
  processor(slot: string): Processor {
    let p = this.processors.get(slot);
    if (p === undefined) {
      const type = slot.slice(0, slot.indexOf(':')) as EventType;
      p = new Processor(this.byType.get(type) ?? [], this.options);
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
