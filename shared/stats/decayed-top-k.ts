/**
 * Heavy hitters with exponential time decay: Space-Saving (Metwally, Agrawal & El Abbadi
 * 2005, "Efficient computation of frequent and top-k elements in data streams") over
 * forward-decayed weights (Cormode, Shkapenyuk, Srivastava & Xu 2009, "Forward decay").
 * An event at time t weighs 2^((t − L)/halfLife) against a landmark L, so old counts fade
 * without touching every counter; the landmark moves when weights grow large.
 * At most `capacity` keys are held. A hit is O(1); a new key replacing the smallest
 * counter costs an O(capacity) scan (capacity is small, tens to hundreds).
 * Each reported count over-estimates the true decayed count by at most its `error`.
 */
import { checkVersion } from './ring-buffer.ts';

export interface DecayedTopKState {
  v: 1;
  capacity: number;
  halfLifeMs: number;
  landmark: number;
  keys: string[];
  counts: number[];
  errors: number[];
}

export interface TopKEntry {
  key: string;
  /** Decayed count at the query time (an over-estimate by at most `error`). */
  count: number;
  error: number;
}

/** Rescale once weights pass 2^40: far from overflow, far from losing precision. */
const RESCALE_EXPONENT = 40;

export class DecayedTopK {
  readonly capacity: number;
  readonly halfLifeMs: number;
  private landmark = Number.NaN;
  private readonly keys: string[] = [];
  private readonly counts: Float64Array;
  private readonly errors: Float64Array;
  private readonly index = new Map<string, number>();

  constructor(capacity: number, halfLifeMs: number) {
    if (!Number.isInteger(capacity) || capacity < 1 || !(halfLifeMs > 0)) {
      throw new RangeError('DecayedTopK needs an integer capacity ≥ 1 and halfLifeMs > 0');
    }
    this.capacity = capacity;
    this.halfLifeMs = halfLifeMs;
    this.counts = new Float64Array(capacity);
    this.errors = new Float64Array(capacity);
  }

  private weight(t: number): number {
    if (Number.isNaN(this.landmark)) this.landmark = t;
    let e = (t - this.landmark) / this.halfLifeMs;
    if (e > RESCALE_EXPONENT) {
      const f = Math.pow(2, -e);
      for (let i = 0; i < this.keys.length; i++) {
        this.counts[i] = (this.counts[i] as number) * f;
        this.errors[i] = (this.errors[i] as number) * f;
      }
      this.landmark = t;
      e = 0;
    }
    return Math.pow(2, e);
  }

  /** Counts one occurrence of `key` at time `t` (times `amount`). */
  observe(key: string, t: number, amount = 1): void {
    const w = amount * this.weight(t);
    const i = this.index.get(key);
    if (i !== undefined) {
      this.counts[i] = (this.counts[i] as number) + w;
      return;
    }
    if (this.keys.length < this.capacity) {
      const j = this.keys.length;
      this.keys.push(key);
      this.counts[j] = w;
      this.errors[j] = 0;
      this.index.set(key, j);
      return;
    }
    let m = 0;
    for (let j = 1; j < this.capacity; j++)
      if ((this.counts[j] as number) < (this.counts[m] as number)) m = j;
    this.index.delete(this.keys[m] as string);
    this.keys[m] = key;
    this.index.set(key, m);
    this.errors[m] = this.counts[m] as number;
    this.counts[m] = (this.counts[m] as number) + w;
  }

  private scaleAt(t: number): number {
    return Number.isNaN(this.landmark) ? 0 : Math.pow(2, -(t - this.landmark) / this.halfLifeMs);
  }

  /** Decayed count of `key` at time `t` (0 when not tracked). */
  estimate(key: string, t: number): number {
    const i = this.index.get(key);
    return i === undefined ? 0 : (this.counts[i] as number) * this.scaleAt(t);
  }

  /** The `n` largest decayed counts at time `t`, largest first. */
  top(n: number, t: number): TopKEntry[] {
    const s = this.scaleAt(t);
    return this.keys
      .map((key, i) => ({
        key,
        count: (this.counts[i] as number) * s,
        error: (this.errors[i] as number) * s,
      }))
      .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1))
      .slice(0, n);
  }

  get size(): number {
    return this.keys.length;
  }

  snapshot(): DecayedTopKState {
    const n = this.keys.length;
    return {
      v: 1,
      capacity: this.capacity,
      halfLifeMs: this.halfLifeMs,
      landmark: Number.isNaN(this.landmark) ? 0 : this.landmark,
      keys: [...this.keys],
      counts: Array.from(this.counts.subarray(0, n)),
      errors: Array.from(this.errors.subarray(0, n)),
    };
  }

  static restore(s: DecayedTopKState): DecayedTopK {
    checkVersion(s.v, 'DecayedTopK');
    const d = new DecayedTopK(s.capacity, s.halfLifeMs);
    if (s.keys.length > 0) d.landmark = s.landmark;
    s.keys.slice(0, s.capacity).forEach((k, i) => {
      d.keys.push(k);
      d.index.set(k, i);
      d.counts[i] = s.counts[i] ?? 0;
      d.errors[i] = s.errors[i] ?? 0;
    });
    return d;
  }
}
