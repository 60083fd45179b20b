/**
 * One slice of a backtest: one config over the events of some event types, with the same
 * PartitionedRun as `vigil replay` (so alerts equal the live run's). Event types never
 * share a processor (partitions and re-keyed streams are per type), so splitting a run by
 * type and merging the alerts gives exactly the unsplit result — which is what lets a
 * backtest use several threads per config.
 */
import { decodeText, type Decoded } from '../events/decode.ts';
import type { Alert, EventType, VigilEvent } from '../events/types.ts';
import { PartitionedRun, type PartitionedRunOptions } from '../pipeline/partitioned-run.ts';
import type { DetectorFailure } from '../pipeline/processor.ts';
import type { ResolvedDetector } from '../pipeline/registry.ts';

export interface ShardOptions extends PartitionedRunOptions {
  detectors: readonly ResolvedDetector[];
  /** Event types this shard runs (default all). */
  types?: readonly EventType[];
  /** Counts lines that are not valid events (only one shard of a config should). */
  countsInvalid?: boolean;
}

export interface ShardResult {
  events: number;
  invalid: number;
  late: number;
  detectorFailures: number;
  /** Event-time range of the events seen (epoch ms; 0 when none). */
  minTs: number;
  maxTs: number;
  alerts: Alert[];
  /** Rule applications by rule id (events skipped, findings suppressed or re-graded). */
  ruleCounts: Record<string, number>;
}

export class BacktestShard {
  private readonly run: PartitionedRun;
  private readonly types: ReadonlySet<EventType>;
  private readonly alerts = new Map<string, Alert>();
  private readonly failures: DetectorFailure[] = [];
  private readonly late: VigilEvent[] = [];
  private readonly decoded: Decoded = { events: [], rejections: [] };
  private readonly result = { events: 0, invalid: 0, late: 0, minTs: 0, maxTs: 0 };
  private readonly ruleCounts: Record<string, number> = {};

  constructor(private readonly options: ShardOptions) {
    this.run = new PartitionedRun(options.detectors, options);
    this.types = new Set(options.types ?? ['inference', 'access', 'facility']);
  }

  /** Decodes and queues `lines`, then processes them (a chunk, like replay's). */
  addLines(lines: readonly string[]): void {
    const d = this.decoded;
    for (const line of lines) {
      if (line.trim() === '') continue;
      d.events.length = 0;
      d.rejections.length = 0;
      decodeText(line, d);
      if (this.options.countsInvalid === true) this.result.invalid += d.rejections.length;
      for (const event of d.events) {
        if (!this.types.has(event.type)) continue;
        const r = this.result;
        if (r.minTs === 0 || event.ts < r.minTs) r.minTs = event.ts;
        if (event.ts > r.maxTs) r.maxTs = event.ts;
        this.run.add(event);
      }
    }
    this.flush();
  }

  finish(): ShardResult {
    this.flush();
    return {
      ...this.result,
      detectorFailures: this.failures.length,
      alerts: [...this.alerts.values()],
      ruleCounts: this.ruleCounts,
    };
  }

  private flush(): void {
    this.late.length = 0;
    // detected_at is the wall clock in live runs; a backtest pins it so reports are stable.
    const n = this.run.flush(0, this.alerts, this.failures, this.late);
    this.result.events += n - this.late.length;
    this.result.late += this.late.length;
    this.result.invalid += this.late.length;
    for (const [, processor] of this.run.entries())
      for (const c of processor.drainRuleCounts())
        this.ruleCounts[c.rule] = (this.ruleCounts[c.rule] ?? 0) + c.n;
  }
}
