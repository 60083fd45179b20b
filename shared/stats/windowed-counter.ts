/**
 * Count and sum of events in a sliding time window, kept as a ring of time buckets
 * (the bucketed sliding window of Datar et al. 2002, without the approximation: buckets
 * are fixed-width). Update is O(1) amortised — advancing the clock clears at most one
 * bucket per elapsed bucket, and never more than the ring. Memory: two doubles per bucket.
 * Event time only: late events inside the window land in their bucket, older ones are
 * dropped.
 */
import { checkVersion } from './ring-buffer.ts';

export interface WindowedCounterState {
  v: 1;
  bucketMs: number;
  buckets: number;
  /** Absolute index (floor(t / bucketMs)) of the newest bucket, or null before any event. */
  head: number | null;
  counts: number[];
  sums: number[];
  /** Running totals, kept so a restored counter continues bit-for-bit. */
  totalCount: number;
  totalSum: number;
}

export class WindowedCounter {
  readonly bucketMs: number;
  readonly buckets: number;
  private head = Number.NaN;
  private readonly counts: Float64Array;
  private readonly sums: Float64Array;
  private totalCount = 0;
  private totalSum = 0;

  constructor(bucketMs: number, buckets: number) {
    if (!(bucketMs > 0) || !Number.isInteger(buckets) || buckets < 1) {
      throw new RangeError('WindowedCounter needs bucketMs > 0 and an integer bucket count ≥ 1');
    }
    this.bucketMs = bucketMs;
    this.buckets = buckets;
    this.counts = new Float64Array(buckets);
    this.sums = new Float64Array(buckets);
  }

  get windowMs(): number {
    return this.bucketMs * this.buckets;
  }

  /** Moves the window so it ends at `t`, expiring buckets that fell out. */
  advance(t: number): void {
    const idx = Math.floor(t / this.bucketMs);
    if (Number.isNaN(this.head)) {
      this.head = idx;
      return;
    }
    if (idx <= this.head) return;
    if (idx - this.head >= this.buckets) {
      this.counts.fill(0);
      this.sums.fill(0);
      this.totalCount = 0;
      this.totalSum = 0;
    } else {
      for (let b = this.head + 1; b <= idx; b++) {
        const slot = b % this.buckets;
        this.totalCount -= this.counts[slot] as number;
        this.totalSum -= this.sums[slot] as number;
        this.counts[slot] = 0;
        this.sums[slot] = 0;
      }
    }
    this.head = idx;
  }

  /** Records one event at `t` carrying `amount` (e.g. bytes); returns false if too late. */
  add(t: number, amount = 0): boolean {
    this.advance(t);
    const idx = Math.floor(t / this.bucketMs);
    if (idx <= this.head - this.buckets) return false;
    const slot = ((idx % this.buckets) + this.buckets) % this.buckets;
    this.counts[slot] = (this.counts[slot] as number) + 1;
    this.sums[slot] = (this.sums[slot] as number) + amount;
    this.totalCount += 1;
    this.totalSum += amount;
    return true;
  }

  /** Events in the window ending at the latest time seen. */
  get count(): number {
    // Counts are integers, so the running total is exact; sums may drift by rounding.
    return this.totalCount;
  }
  get sum(): number {
    return this.totalSum;
  }
  /** Events per second over the full window. */
  get ratePerSecond(): number {
    return this.totalCount / (this.windowMs / 1000);
  }

  snapshot(): WindowedCounterState {
    return {
      v: 1,
      bucketMs: this.bucketMs,
      buckets: this.buckets,
      head: Number.isNaN(this.head) ? null : this.head,
      counts: Array.from(this.counts),
      sums: Array.from(this.sums),
      totalCount: this.totalCount,
      totalSum: this.totalSum,
    };
  }

  static restore(s: WindowedCounterState): WindowedCounter {
    checkVersion(s.v, 'WindowedCounter');
    const w = new WindowedCounter(s.bucketMs, s.buckets);
    w.head = s.head ?? Number.NaN;
    w.counts.set(s.counts);
    w.sums.set(s.sums);
    w.totalCount = s.totalCount;
    w.totalSum = s.totalSum;
    return w;
  }
}
