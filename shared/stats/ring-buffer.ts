/**
 * Fixed-capacity ring of doubles on a Float64Array: O(1) push, no allocation after
 * construction. The building block of every windowed statistic in this folder.
 */

export interface RingBufferState {
  v: 1;
  capacity: number;
  /** Oldest first. */
  values: number[];
}

export class RingBuffer {
  readonly capacity: number;
  private readonly data: Float64Array;
  private head = 0; // index of the oldest element
  private size = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`RingBuffer capacity must be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
    this.data = new Float64Array(capacity);
  }

  get length(): number {
    return this.size;
  }

  get full(): boolean {
    return this.size === this.capacity;
  }

  /** Appends `x`; when full, overwrites the oldest and returns it, otherwise returns NaN. */
  push(x: number): number {
    if (this.size < this.capacity) {
      this.data[(this.head + this.size) % this.capacity] = x;
      this.size++;
      return Number.NaN;
    }
    const evicted = this.data[this.head] as number;
    this.data[this.head] = x;
    this.head = (this.head + 1) % this.capacity;
    return evicted;
  }

  /** i-th element, 0 = oldest; NaN when out of range. */
  get(i: number): number {
    if (i < 0 || i >= this.size) return Number.NaN;
    return this.data[(this.head + i) % this.capacity] as number;
  }

  /** Most recent element (NaN when empty). */
  last(): number {
    return this.get(this.size - 1);
  }

  clear(): void {
    this.head = 0;
    this.size = 0;
  }

  /** Copies the contents, oldest first, into `out` (which must hold `length` values). */
  copyTo(out: Float64Array): number {
    for (let i = 0; i < this.size; i++) out[i] = this.data[(this.head + i) % this.capacity] as number;
    return this.size;
  }

  toArray(): number[] {
    const out = new Array<number>(this.size);
    for (let i = 0; i < this.size; i++) out[i] = this.data[(this.head + i) % this.capacity] as number;
    return out;
  }

  snapshot(): RingBufferState {
    return { v: 1, capacity: this.capacity, values: this.toArray() };
  }

  static restore(s: RingBufferState): RingBuffer {
    checkVersion(s.v, 'RingBuffer');
    const r = new RingBuffer(s.capacity);
    for (const x of s.values.slice(-s.capacity)) r.push(x);
    return r;
  }
}

/**
 * Shared by every restore: refuse a state of an unknown version. Versions run 1…`latest`;
 * a restore that accepts older versions upgrades them itself.
 */
export function checkVersion(v: unknown, what: string, latest = 1): void {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= latest) return;
  const expected = latest === 1 ? '1' : `1 to ${latest}`;
  throw new TypeError(`${what} state has unsupported version ${String(v)} (expected ${expected})`);
}
