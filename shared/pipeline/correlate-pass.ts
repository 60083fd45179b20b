/**
 * The correlating pass of a Processor batch. Correlating detectors (those with `onAlert`)
 * run after every other detector has seen the batch: each sees the events and, right after
 * each event, the alerts the others raised on it, in one sequence, so what it finds does
 * not depend on where batches begin or end.
 *
 * A base class of Processor, not a function: the pass drives the Processor's own per-event
 * steps (event time, a failed call, a finding made an alert), which stay methods of the one
 * object, so the per-event path gains no indirection and Processor's public API is unchanged.
 */
import type { Alert, VigilEvent } from '../events/types.ts';
import type { DetectorContext, Finding } from './detector.ts';
import type { Active, DetectorFailure, PartitionMeta } from './processor.ts';

/** An alert raised in the batch, and the index of the event that caused it. */
export interface RaisedAlert {
  index: number;
  detector: string;
  alert: Alert;
}

export abstract class CorrelatingPass {
  // The Processor's state and per-event steps that the pass drives (processor.ts).
  protected abstract active: Active[];
  protected abstract readonly pending: readonly Finding[];
  protected abstract readonly ctx: DetectorContext;

  protected abstract at(eventTime: number, watermark: number): void;

  protected abstract failed(
    active: Active,
    event: VigilEvent,
    error: unknown,
    failures: DetectorFailure[] | undefined,
  ): null;

  protected abstract raise(
    active: Active,
    finding: Finding | null,
    event: VigilEvent,
    meta: PartitionMeta,
    detectedAtMs: number,
    changed: Map<string, Alert>,
    raised: RaisedAlert[] | undefined,
    index: number,
  ): void;

  /** Correlating detectors: events and the alerts they caused, in one sequence. */
  protected correlate(
    events: readonly VigilEvent[],
    marks: readonly number[],
    raised: readonly RaisedAlert[],
    meta: PartitionMeta,
    detectedAtMs: number,
    changed: Map<string, Alert>,
    failures: DetectorFailure[] | undefined,
  ): void {
    const ordered = [...raised].sort((a, b) => a.index - b.index);
    for (const active of this.active) {
      const onAlert = active.instance.onAlert?.bind(active.instance);
      if (onAlert === undefined) continue;
      const started = process.hrtime.bigint();
      let next = 0;
      for (let i = 0; i < events.length; i++) {
        const event = events[i] as VigilEvent;
        this.at(event.ts, marks[i] as number);
        let finding: Finding | null = null;
        if (!active.rules.skipsLearning(event)) {
          try {
            finding = active.instance.update(event, this.ctx);
          } catch (error) {
            finding = this.failed(active, event, error, failures);
          }
        }
        if (finding !== null || this.pending.length > 0)
          this.raise(active, finding, event, meta, detectedAtMs, changed, undefined, i);
        for (; next < ordered.length && (ordered[next] as { index: number }).index === i; next++) {
          const part = ordered[next]!;
          finding = this.call(active, event, failures, () => onAlert(part.alert, this.ctx));
          this.raise(active, finding, event, meta, detectedAtMs, changed, undefined, i);
        }
      }
      active.seconds += Number(process.hrtime.bigint() - started) / 1e9;
    }
  }

  private call(
    active: Active,
    event: VigilEvent,
    failures: DetectorFailure[] | undefined,
    run: () => Finding | null,
  ): Finding | null {
    try {
      return run();
    } catch (error) {
      return this.failed(active, event, error, failures);
    }
  }
}
