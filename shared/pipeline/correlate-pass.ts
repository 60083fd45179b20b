/**
 * The correlating pass of a Processor batch. Correlating detectors (those with `onAlert`)
 * run on each block of events after every other detector has seen it: each sees the events
 * and, right after each event, the alerts the others raised on it, in one sequence, so
 * what it finds does not depend on where batches (or blocks) begin or end.
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

/** A correlating detector during one batch: its alerts and failures, handed on by `settle`. */
export interface Correlating {
  active: Active;
  changed: Map<string, Alert>;
  failures: DetectorFailure[];
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

  /** The batch's correlating detectors, each with its own alerts and failures until `settle`. */
  protected correlating(): Correlating[] {
    const out: Correlating[] = [];
    for (const active of this.active) {
      if (active.instance.onAlert !== undefined) out.push({ active, changed: new Map(), failures: [] });
    }
    return out;
  }

  /**
   * Correlating detectors over events [from, to): each event, then the alerts the other
   * detectors raised on it (`raised`: those of this block, sorted here). Run block by block, right after
   * the others, while the block's events are in cache; each detector still sees one
   * sequence over the batch, and `settle` hands on its alerts and failures after the
   * others', as when it ran over the whole batch at the end.
   */
  protected correlate(
    correlating: readonly Correlating[],
    events: readonly VigilEvent[],
    marks: readonly number[],
    from: number,
    to: number,
    raised: RaisedAlert[],
    meta: PartitionMeta,
    detectedAtMs: number,
  ): void {
    // Stable: alerts on one event keep the order of the detectors that raised them.
    raised.sort((a, b) => a.index - b.index);
    for (const { active, changed, failures } of correlating) {
      const instance = active.instance;
      const started = process.hrtime.bigint();
      let next = 0;
      for (let i = from; i < to; i++) {
        const event = events[i] as VigilEvent;
        this.at(event.ts, marks[i] as number);
        let finding: Finding | null = null;
        if (!active.rules.skipsLearning(event)) {
          try {
            finding = instance.update(event, this.ctx);
          } catch (error) {
            finding = this.failed(active, event, error, failures);
          }
        }
        if (finding !== null || this.pending.length > 0)
          this.raise(active, finding, event, meta, detectedAtMs, changed, undefined, i);
        for (; next < raised.length && (raised[next] as RaisedAlert).index === i; next++) {
          const part = raised[next]!;
          try {
            finding = instance.onAlert!(part.alert, this.ctx);
          } catch (error) {
            finding = this.failed(active, event, error, failures);
          }
          this.raise(active, finding, event, meta, detectedAtMs, changed, undefined, i);
        }
      }
      active.seconds += Number(process.hrtime.bigint() - started) / 1e9;
    }
  }

  /** The correlating detectors' alerts and failures of the batch, after the others', detector by detector. */
  protected settle(
    correlating: readonly Correlating[],
    changed: Map<string, Alert>,
    failures: DetectorFailure[] | undefined,
  ): void {
    for (const c of correlating) {
      for (const [id, alert] of c.changed) changed.set(id, alert);
      failures?.push(...c.failures);
    }
  }
}
