/**
 * Where a timestamp falls in a period cut into equal bins — the bin, and the two bin
 * centres it lies between with its weight — computed once per timestamp and shared.
 *
 * The univariate detector asks this of the same timestamp several times per point (its
 * daily profile's count, expectation and update, its recurrence slot, the week's), and a
 * device's metrics (facility.metric) all ask it of the same timestamp in turn. The answer
 * depends only on (t, periodMs, bins, offsetMs), so one clock per such shape, remembering
 * its last timestamp, gives every caller the same numbers with one `%` and one division
 * per timestamp instead of one per call. Same arithmetic as before, so the same bits.
 */

export class PhaseClock {
  readonly periodMs: number = 0;
  readonly bins: number = 0;
  readonly offsetMs: number = 0;
  /** The timestamp the fields below describe (NaN: none yet). */
  private t = Number.NaN;
  /** The bin of t, in [0, bins). */
  private b = 0;
  /** The bin centres below (i) and above (j) t, and t's weight towards j. */
  private i = 0;
  private j = 0;
  private w = 0;

  constructor(periodMs: number, bins: number, offsetMs: number) {
    this.periodMs = periodMs;
    this.bins = bins;
    this.offsetMs = offsetMs;
  }

  private at(t: number): void {
    this.t = t;
    const p = (t + this.offsetMs) % this.periodMs;
    const phase = ((p < 0 ? p + this.periodMs : p) / this.periodMs) * this.bins;
    this.b = Math.min(this.bins - 1, Math.floor(phase));
    const ph = phase - 0.5;
    const lo = Math.floor(ph);
    this.w = ph - lo;
    this.i = (lo + this.bins) % this.bins;
    this.j = (this.i + 1) % this.bins;
  }

  /** The bin of t. */
  binOf(t: number): number {
    if (t !== this.t) this.at(t);
    return this.b;
  }

  /** The bin centre at or below t (wrapping), after `binOf` or `centres` for the same t. */
  get lower(): number {
    return this.i;
  }

  /** The bin centre above `lower` (wrapping). */
  get upper(): number {
    return this.j;
  }

  /** Weight of `upper` in a linear interpolation at t. */
  get weight(): number {
    return this.w;
  }

  /** Positions the clock at t (for `lower`, `upper`, `weight`). */
  centres(t: number): void {
    if (t !== this.t) this.at(t);
  }
}

/** One clock per period shape, shared by every profile of that shape. */
const clocks = new Map<string, PhaseClock>();

export function phaseClock(periodMs: number, bins: number, offsetMs: number): PhaseClock {
  const key = `${periodMs}|${bins}|${offsetMs}`;
  let c = clocks.get(key);
  if (c === undefined) {
    c = new PhaseClock(periodMs, bins, offsetMs);
    clocks.set(key, c);
  }
  return c;
}
