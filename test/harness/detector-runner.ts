/**
 * Runs one detector over events outside any pipeline, for unit tests: its stores live in
 * a PartitionState with the event-time clock advanced per event, findings (returned and
 * emitted) are collected per event, and `restart()` moves the state through its
 * changelog records into a fresh instance — as a crash and restore would.
 */
import type { EventByType, EventType } from '../../shared/events/types.ts';
import type {
  Detector,
  DetectorContext,
  DetectorDefinition,
  Finding,
} from '../../shared/pipeline/detector.ts';
import { EMPTY_ENVIRONMENT, type DetectorEnvironment } from '../../shared/pipeline/environment.ts';
import { PartitionState, type StateBudget } from '../../shared/pipeline/partition-state.ts';

export class DetectorRunner<T extends EventType> {
  private state: PartitionState;
  private detector: Detector<EventByType[T]>;
  private readonly emitted: Finding[] = [];
  private readonly ctx: DetectorContext & { eventTime: number; watermark: number };
  private readonly config;

  constructor(
    private readonly definition: DetectorDefinition<T>,
    overrides: Record<string, unknown> = {},
    private readonly budget?: StateBudget,
    private readonly env: DetectorEnvironment = EMPTY_ENVIRONMENT,
  ) {
    this.config = definition.config.parse(overrides);
    this.state = new PartitionState(budget);
    this.detector = definition.create(this.config, this.state.namespace(definition.id), this.env);
    this.ctx = { eventTime: 0, watermark: 0, emit: (f) => void this.emitted.push(f) };
  }

  /** Every finding the event caused (returned first, then emitted). */
  update(event: EventByType[T]): Finding[] {
    const wm = Math.max(this.ctx.watermark, event.ts);
    this.ctx.eventTime = event.ts;
    this.ctx.watermark = wm;
    this.state.clock.eventTime = event.ts;
    this.state.clock.watermark = wm;
    this.state.beginBatch();
    const found = this.detector.update(event, this.ctx);
    const out = found === null ? [] : [found];
    out.push(...this.emitted.splice(0));
    this.state.drain();
    return out;
  }

  /** The first finding per event, or null (the shape most tests compare). */
  run(events: readonly EventByType[T][]): (Finding | null)[] {
    return events.map((e) => this.update(e)[0] ?? null);
  }

  /** Every finding of every event. */
  findings(events: readonly EventByType[T][]): Finding[] {
    return events.flatMap((e) => this.update(e));
  }

  /** Simulates a crash and restore: state through its JSON records into a new instance. */
  restart(): void {
    const records = JSON.parse(JSON.stringify(this.state.exportAll())) as ReturnType<
      PartitionState['exportAll']
    >;
    const clock = { ...this.state.clock };
    this.state = new PartitionState(this.budget);
    for (const r of records) this.state.load(r.key, r.value);
    Object.assign(this.state.clock, clock);
    this.detector = this.definition.create(this.config, this.state.namespace(this.definition.id), this.env);
  }

  /** The state's stores: keys, hot values and encoded bytes (for size assertions). */
  stats(): ReturnType<PartitionState['stats']> {
    return this.state.stats();
  }

  /** Every record of the state, as the changelog holds it (`<store>|<key>` → JSON). */
  records(): ReturnType<PartitionState['exportAll']> {
    return this.state.exportAll();
  }

  /** Encoded bytes of every record (what the changelog holds). */
  stateBytes(): number {
    return this.state.exportAll().reduce((n, r) => n + r.key.length + (r.value?.length ?? 0), 0);
  }
}
