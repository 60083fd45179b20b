/**
 * A named calendar: a time zone and a list of windows — recurring (an RRULE with a start
 * time and an end time of day or a duration) or one-off (from/to). `isActive(ts)` answers
 * for an instant; it keeps the interval around the last answer (the window containing it,
 * or the gap up to the next window) so the per-event call is two comparisons until event
 * time leaves that interval.
 *
 * Recurring windows with an end time of day are wall-clock windows: "02:00–06:00" is
 * 02:00–06:00 local on every day it recurs, so on a DST night it lasts 3 or 5 hours.
 * `duration_minutes` is elapsed time from the local start.
 */
import type { Recurrence } from './recurrence.ts';
import type { Until } from './rrule.ts';
import type { TimeZone } from './zoned-time.ts';
import { DAY_MS } from './zoned-time.ts';

export interface Window {
  /** Epoch ms, inclusive. */
  start: number;
  /** Epoch ms, exclusive. */
  end: number;
}

/** A source of windows in start order, from any point in time. */
export interface WindowSource {
  /** Longest window, to know how far back a window containing `ts` may start. */
  readonly maxDurationMs: number;
  /** Windows whose start ≥ `from` (epoch ms), in start order. */
  windowsFrom(from: number): Iterable<Window>;
}

export type WindowEnd = { kind: 'time'; minuteOfDay: number } | { kind: 'duration'; ms: number };

export class RecurringWindows implements WindowSource {
  readonly maxDurationMs: number;

  constructor(
    private readonly zone: TimeZone,
    private readonly recurrence: Recurrence,
    private readonly end: WindowEnd,
    private readonly until: Until | undefined,
  ) {
    // A wall-clock window is at most a day, plus an hour when it spans a DST change.
    this.maxDurationMs = end.kind === 'duration' ? end.ms : DAY_MS + 3_600_000;
  }

  *windowsFrom(from: number): Generator<Window> {
    const { zone, until } = this;
    // A day earlier in wall-clock time covers any offset; earlier starts are skipped below.
    for (const local of this.recurrence.startsFrom(zone.localOf(from) - DAY_MS)) {
      const start = zone.instantOf(local);
      if (until !== undefined && (until.utc ? start : local) > until.ms) return;
      if (start < from) continue;
      yield { start, end: this.endOf(local, start) };
    }
  }

  private endOf(local: number, start: number): number {
    if (this.end.kind === 'duration') return start + this.end.ms;
    const day = Math.floor(local / DAY_MS) * DAY_MS;
    let endLocal = day + this.end.minuteOfDay * 60_000;
    if (endLocal <= local) endLocal += DAY_MS;
    return this.zone.instantOf(endLocal);
  }
}

export class FixedWindows implements WindowSource {
  readonly maxDurationMs: number;
  private readonly windows: readonly Window[];

  constructor(windows: readonly Window[]) {
    this.windows = [...windows].sort((a, b) => a.start - b.start);
    this.maxDurationMs = Math.max(0, ...this.windows.map((w) => w.end - w.start));
  }

  *windowsFrom(from: number): Generator<Window> {
    let lo = 0;
    let hi = this.windows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.windows[mid]!.start < from) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.windows.length; i++) yield this.windows[i]!;
  }
}

interface Interval {
  lo: number;
  hi: number;
  active: boolean;
}

export class Calendar {
  private cached: Interval = { lo: 0, hi: 0, active: false };

  constructor(
    readonly name: string,
    readonly zone: TimeZone,
    private readonly sources: readonly WindowSource[],
  ) {}

  isActive(ts: number): boolean {
    const c = this.cached;
    if (ts >= c.lo && ts < c.hi) return c.active;
    this.cached = this.intervalAt(ts);
    return this.cached.active;
  }

  /** The window containing `ts` (the longest-running one if several overlap), if any. */
  windowAt(ts: number): Window | undefined {
    const i = this.intervalAt(ts);
    return i.active ? { start: i.lo, end: i.hi } : undefined;
  }

  /** Windows that overlap [from, to), in start order (for listings and reports). */
  windowsBetween(from: number, to: number, limit = 1000): Window[] {
    const out: Window[] = [];
    for (const source of this.sources) {
      for (const w of source.windowsFrom(from - source.maxDurationMs)) {
        if (w.start >= to || out.length >= limit) break;
        if (w.end > from) out.push(w);
      }
    }
    return out.sort((a, b) => a.start - b.start).slice(0, limit);
  }

  /** The interval around `ts` on which `isActive` does not change (or a part of it). */
  private intervalAt(ts: number): Interval {
    let best: Window | undefined;
    let lo = ts - DAY_MS;
    let hi = Number.POSITIVE_INFINITY;
    for (const source of this.sources) {
      for (const w of source.windowsFrom(ts - source.maxDurationMs - DAY_MS)) {
        if (w.start > ts) {
          hi = Math.min(hi, w.start);
          break;
        }
        if (w.end > ts) {
          if (best === undefined || w.end > best.end) best = w;
        } else lo = Math.max(lo, w.end);
      }
    }
    if (best !== undefined) return { lo: best.start, hi: best.end, active: true };
    return { lo, hi, active: false };
  }
}
