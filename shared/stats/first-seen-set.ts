/**
 * "Have we seen this key recently?" with bounded memory: a least-recently-seen map
 * (JavaScript Maps iterate in insertion order, so delete-then-set moves a key to the
 * end and the first key is the stalest). Keys unseen for `ttlMs` count as new again
 * (the decay), and beyond `capacity` keys the stalest is forgotten. O(1) per observe.
 */
import { checkVersion } from './ring-buffer.ts';

export interface FirstSeenSetState {
  v: 1;
  capacity: number;
  ttlMs: number;
  /** [key, last seen ms], stalest first. */
  entries: [string, number][];
}

export class FirstSeenSet {
  readonly capacity: number;
  readonly ttlMs: number;
  private readonly seen = new Map<string, number>();

  constructor(capacity: number, ttlMs = Number.POSITIVE_INFINITY) {
    if (!Number.isInteger(capacity) || capacity < 1 || !(ttlMs > 0)) {
      throw new RangeError('FirstSeenSet needs an integer capacity ≥ 1 and ttlMs > 0');
    }
    this.capacity = capacity;
    this.ttlMs = ttlMs;
  }

  /** Records `key` at `t`; true when it is new (never seen, forgotten, or older than ttl). */
  observe(key: string, t: number): boolean {
    const prev = this.seen.get(key);
    if (prev !== undefined) this.seen.delete(key);
    this.seen.set(key, prev === undefined ? t : Math.max(prev, t));
    if (this.seen.size > this.capacity) {
      const stalest = this.seen.keys().next();
      if (stalest.done !== true) this.seen.delete(stalest.value);
    }
    return prev === undefined || t - prev > this.ttlMs;
  }

  /** Whether `key` counts as known at time `t`, without recording it. */
  has(key: string, t: number): boolean {
    const prev = this.seen.get(key);
    return prev !== undefined && t - prev <= this.ttlMs;
  }

  get size(): number {
    return this.seen.size;
  }

  snapshot(): FirstSeenSetState {
    // Infinity does not survive JSON; -1 stands for "never expires".
    const ttlMs = Number.isFinite(this.ttlMs) ? this.ttlMs : -1;
    return { v: 1, capacity: this.capacity, ttlMs, entries: [...this.seen.entries()] };
  }

  static restore(s: FirstSeenSetState): FirstSeenSet {
    checkVersion(s.v, 'FirstSeenSet');
    const f = new FirstSeenSet(s.capacity, s.ttlMs < 0 ? Number.POSITIVE_INFINITY : s.ttlMs);
    for (const [k, t] of s.entries.slice(-s.capacity)) f.seen.set(k, t);
    return f;
  }
}
