/**
 * One keyed store of one partition. Values live in two tiers: hot (decoded, what
 * detectors read and change in place) and cold (the encoded JSON text, for keys restored
 * but not yet read, or evicted when the hot tier passes its budget). Changed keys are
 * remembered in a list, so the end of a batch encodes only those: the per-event cost is a
 * map lookup and a few field writes. Time is event time, read from the partition's clock.
 *
 * Changelog records: key `<store id>|<entity key>`, value `{"t":<last write ms>,"v":<value>}`
 * or null (a tombstone) — `t` lets a restored key keep its idle time to live.
 */
import { vigilError } from '../errors.ts';
import type { KeyedState, StateCodec, StoreOptions } from './keyed-state.ts';
import type { StateRecord } from './ports.ts';

export type { StateRecord };

export interface StoreClock {
  /** Event time of the event being processed. */
  eventTime: number;
  /** Highest event time the partition has seen. */
  watermark: number;
  /** Batch counter, for least-recently-used eviction. */
  epoch: number;
}

interface HotEntry<V> {
  value: V;
  /** Event time of the last write. */
  t: number;
  epoch: number;
  dirty: boolean;
  /** The value's JSON as last written to the changelog, while unchanged since. */
  encoded: string | undefined;
}

interface ColdEntry {
  t: number;
  json: string;
}

const RECORD_PREFIX = /^\{"t":(-?[0-9.eE+-]+),"v":/;

export function encodeRecord(t: number, json: string): string {
  return `{"t":${t},"v":${json}}`;
}

export class KeyedStore<V> implements KeyedState<V> {
  private codec: StateCodec<V> | undefined;
  private idleTtlMs = Number.POSITIVE_INFINITY;
  private pinned = false;
  private readonly hot = new Map<string, HotEntry<V>>();
  private readonly cold = new Map<string, ColdEntry>();
  private changed: string[] = [];
  /** Keys evicted while changed: their cold JSON is still owed to the changelog. */
  private readonly dirtyCold = new Set<string>();
  private coldChars = 0;
  private nextSweepAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly id: string,
    private readonly clock: StoreClock,
  ) {}

  /** Sets the codec and options; values decoded by a previous codec are re-encoded first. */
  bind(options: StoreOptions<V>, codec: StateCodec<V>, defaultTtlMs: number): this {
    if (this.codec !== undefined) this.evictWhere(() => true);
    this.codec = codec;
    this.idleTtlMs = options.idleTtlMs ?? defaultTtlMs;
    this.pinned = options.pinned ?? false;
    return this;
  }

  get bound(): boolean {
    return this.codec !== undefined;
  }

  get size(): number {
    return this.hot.size + this.cold.size;
  }

  get hotSize(): number {
    return this.hot.size;
  }

  /** Approximate bytes of the cold tier (UTF-16 code units of the kept JSON). */
  get coldBytes(): number {
    return this.coldChars * 2;
  }

  get(key: string): V | undefined {
    const entry = this.entry(key);
    if (entry === undefined) return undefined;
    entry.t = this.clock.eventTime;
    if (!entry.dirty) {
      entry.dirty = true;
      entry.encoded = undefined;
      this.changed.push(key);
    }
    return entry.value;
  }

  peek(key: string): V | undefined {
    return this.entry(key)?.value;
  }

  getOrCreate(key: string, create: () => V): V {
    const found = this.get(key);
    if (found !== undefined) return found;
    const value = create();
    this.put(key, value);
    return value;
  }

  put(key: string, value: V): void {
    this.dropCold(key);
    const entry = this.hot.get(key);
    if (entry !== undefined) {
      entry.value = value;
      entry.t = this.clock.eventTime;
      entry.epoch = this.clock.epoch;
      if (!entry.dirty) this.changed.push(key);
      entry.dirty = true;
      entry.encoded = undefined;
      return;
    }
    const t = this.clock.eventTime;
    this.hot.set(key, { value, t, epoch: this.clock.epoch, dirty: true, encoded: undefined });
    this.changed.push(key);
  }

  delete(key: string): void {
    const had = this.hot.delete(key) || this.dropCold(key);
    if (had) this.changed.push(key);
  }

  /** Hot or cold entry of `key`, decoded into the hot tier; expired ones are deleted. */
  private entry(key: string): HotEntry<V> | undefined {
    const cutoff = this.clock.watermark - this.idleTtlMs;
    let entry = this.hot.get(key);
    if (entry === undefined) {
      const cold = this.cold.get(key);
      if (cold === undefined) return undefined;
      if (cold.t < cutoff) {
        this.delete(key);
        return undefined;
      }
      const owed = this.dirtyCold.delete(key);
      entry = {
        value: this.decode(key, cold.json),
        t: cold.t,
        epoch: 0,
        dirty: owed,
        encoded: owed ? undefined : cold.json,
      };
      this.dropCold(key);
      this.hot.set(key, entry);
    } else if (entry.t < cutoff) {
      this.delete(key);
      return undefined;
    }
    entry.epoch = this.clock.epoch;
    return entry;
  }

  private decode(key: string, json: string): V {
    try {
      return this.codec!.decode(JSON.parse(json) as unknown);
    } catch (err) {
      throw vigilError('VGL_ERR_STATE_CORRUPT', [`${this.id}|${key}`, (err as Error).message], {
        cause: err,
        context: { store: this.id, key },
      });
    }
  }

  private dropCold(key: string): boolean {
    const cold = this.cold.get(key);
    if (cold === undefined) return false;
    this.dirtyCold.delete(key);
    this.coldChars -= cold.json.length;
    this.cold.delete(key);
    return true;
  }

  /** The value's changelog JSON, through the codec's own writer when it has one. */
  private text(value: V): string {
    const codec = this.codec!;
    return codec.encodeText !== undefined ? codec.encodeText(value) : JSON.stringify(codec.encode(value));
  }

  /** Appends the records of keys changed since the last drain; they count as written. */
  drain(out: StateRecord[]): void {
    if (this.changed.length === 0) return;
    const changed = this.changed;
    this.changed = [];
    const seen = new Set<string>();
    const prefix = `${this.id}|`;
    for (const key of changed) {
      if (seen.has(key)) continue;
      seen.add(key);
      const entry = this.hot.get(key);
      if (entry !== undefined) {
        if (!entry.dirty) continue;
        const json = this.text(entry.value);
        entry.dirty = false;
        entry.encoded = json;
        out.push({ key: prefix + key, value: encodeRecord(entry.t, json) });
      } else {
        const cold = this.cold.get(key);
        if (cold === undefined) out.push({ key: prefix + key, value: null });
        else if (this.dirtyCold.has(key))
          out.push({ key: prefix + key, value: encodeRecord(cold.t, cold.json) });
      }
    }
    this.dirtyCold.clear();
  }

  /** Every key as a record (tests, and moving state between processors). */
  exportAll(out: StateRecord[]): void {
    const prefix = `${this.id}|`;
    for (const [key, e] of this.hot) {
      const json = e.encoded ?? this.text(e.value);
      out.push({ key: prefix + key, value: encodeRecord(e.t, json) });
    }
    for (const [key, c] of this.cold) out.push({ key: prefix + key, value: encodeRecord(c.t, c.json) });
  }

  /** Takes a restored record (the part of its key after `<store id>|`). */
  load(key: string, text: string | null): void {
    this.hot.delete(key);
    this.dropCold(key);
    if (text === null) return;
    const m = RECORD_PREFIX.exec(text);
    const t = m === null ? Number.NaN : Number(m[1]);
    if (m === null || !Number.isFinite(t) || !text.endsWith('}')) {
      throw vigilError('VGL_ERR_STATE_CORRUPT', [`${this.id}|${key}`, 'not a state record'], {
        context: { store: this.id, key },
      });
    }
    const json = text.slice(m[0].length, -1);
    this.cold.set(key, { t, json });
    this.coldChars += json.length;
  }

  /**
   * Moves the least recently used unchanged values to the cold tier until at most 90 % of
   * `maxHot` stay hot. Called after a batch was committed, when every value is unchanged.
   */
  evict(maxHot: number): number {
    if (this.pinned || this.hot.size <= maxHot) return 0;
    const clean = [...this.hot].filter(([, e]) => !e.dirty).sort((a, b) => a[1].epoch - b[1].epoch);
    const target = this.hot.size - Math.floor(maxHot * 0.9);
    const chosen = new Set(clean.slice(0, target).map(([k]) => k));
    return this.evictWhere((key) => chosen.has(key));
  }

  private evictWhere(pick: (key: string) => boolean): number {
    let n = 0;
    for (const [key, e] of this.hot) {
      if (!pick(key)) continue;
      const json = e.encoded ?? this.text(e.value);
      // A value changed but not yet drained must still reach the changelog.
      if (e.dirty) this.dirtyCold.add(key);
      this.hot.delete(key);
      this.cold.set(key, { t: e.t, json });
      this.coldChars += json.length;
      n++;
    }
    return n;
  }

  /** Forgets keys idle past the time to live (they already read as absent); returns how many. */
  sweep(): number {
    if (!Number.isFinite(this.idleTtlMs) || this.clock.watermark < this.nextSweepAt) return 0;
    // Sweeps only free memory, so they can be rare: a 24th of the time to live, 1 min–6 h.
    this.nextSweepAt = this.clock.watermark + Math.min(6 * 3_600_000, Math.max(60_000, this.idleTtlMs / 24));
    const cutoff = this.clock.watermark - this.idleTtlMs;
    const expired: string[] = [];
    for (const [key, e] of this.hot) if (e.t < cutoff) expired.push(key);
    for (const [key, c] of this.cold) if (c.t < cutoff) expired.push(key);
    for (const key of expired) this.delete(key);
    return expired.length;
  }

  /** Hot keys and their values (for pinned stores scanned in full, e.g. open episodes). */
  hotEntries(): IterableIterator<[string, HotEntry<V>]> {
    return this.hot.entries();
  }
}
