/**
 * Events that recur at the same time of the period (a nightly backup, an hourly batch
 * job, the morning ramp of a square-wave load) are scheduled work, not anomalies. Each of
 * `bins` slots of the period counts the events seen in it, decayed by `keep` per period,
 * and an event at a slot where earlier periods had some is as surprising as its recurrence
 * frequency says: P ≈ events in the slot / (periods seen · points per slot). A learned
 * profile cannot do this: a one-point spike at 02:05 every night is far narrower than any
 * bin it could afford. O(1), bins + 2 numbers of state.
 */
import { packArray, unpackF32 } from './packed.ts';
import { phaseClock, type PhaseClock } from './phase-clock.ts';
import { checkVersion } from './ring-buffer.ts';

export interface RecurrenceState {
  v: 1;
  periodMs: number;
  /** Packed float32 counts per slot (packed.ts). */
  counts: string;
  bins: number;
  keep: number;
  periods: number;
  since: number | null;
}

/** Decayed events a slot needs before its recurrence discounts anything. */
const MIN_EVENTS = 1.5;

export class Recurrence {
  readonly periodMs: number;
  readonly bins: number;
  readonly keep: number;
  private readonly counts: Float32Array;
  /** Decayed number of whole periods seen, and the start of the current one. */
  private periods = 0;
  private since = Number.NaN;
  /** Slots are the bins of a phase profile of this period (shared with the daily profile). */
  private readonly clock: PhaseClock;

  constructor(periodMs: number, bins = 24, keep = 0.8) {
    this.periodMs = periodMs;
    this.bins = bins;
    this.keep = keep;
    this.counts = new Float32Array(bins);
    this.clock = phaseClock(periodMs, bins, 0);
  }

  private slot(t: number): number {
    return this.clock.binOf(t);
  }

  /**
   * Surprise of an event at t given its recurrence (+∞ when this slot has no history);
   * `interval` is the typical sampling interval.
   */
  surprise(t: number, interval: number): number {
    const k = this.counts[this.slot(t)] as number;
    if (k < MIN_EVENTS || this.periods < 1 || !(interval > 0)) return Number.POSITIVE_INFINITY;
    const perSlot = this.periodMs / this.bins / interval;
    return -Math.log10(Math.min(1, k / (this.periods * perSlot)));
  }

  /** Records whether t carried an event, and ages the counts at each new period. */
  learn(t: number, event: boolean): void {
    if (Number.isNaN(this.since)) this.since = t;
    if (t - this.since >= this.periodMs) {
      for (let i = 0; i < this.bins; i++) this.counts[i] = (this.counts[i] as number) * this.keep;
      this.periods = this.periods * this.keep + 1;
      this.since = t;
    }
    if (event) {
      const b = this.slot(t);
      this.counts[b] = (this.counts[b] as number) + 1;
    }
  }

  snapshot(): RecurrenceState {
    const since = Number.isNaN(this.since) ? null : this.since;
    const { periodMs, bins, keep, periods } = this;
    return { v: 1, periodMs, bins, keep, counts: packArray(this.counts), periods, since };
  }

  static restore(s: RecurrenceState): Recurrence {
    checkVersion(s.v, 'Recurrence');
    const r = new Recurrence(s.periodMs, s.bins, s.keep);
    r.counts.set(unpackF32(s.counts, s.bins));
    r.periods = s.periods;
    r.since = s.since ?? Number.NaN;
    return r;
  }
}
