/**
 * Keyed state, as detectors see it (Flink's keyed `ValueState`, Kafka Streams'
 * `KeyValueStore`). A detector asks for its stores once, when it is created, and then
 * reads and writes one value per entity key on the per-event path. The pipeline owns
 * the values: it writes every changed key to the changelog together with the batch's
 * alerts and input offsets, restores them when a partition is assigned, evicts idle
 * keys to a compact encoded form under a budget, and expires keys idle for longer than
 * the store's time to live. A detector never snapshots a map of entities itself.
 */

/** How values become JSON for the changelog and back (identity for plain JSON values). */
export interface StateCodec<V> {
  encode(value: V): unknown;
  /**
   * Optional: the JSON text of `encode(value)`, for codecs that can write it faster than
   * `JSON.stringify` does (e.g. state packed into one base64 string, which `JSON.stringify`
   * scans at ~2 ns a character). `decode` receives `JSON.parse` of it.
   */
  encodeText?(value: V): string;
  /** Throws when `json` is not a value this codec wrote (the partition then stops). */
  decode(json: unknown): V;
}

export interface StoreOptions<V> {
  /** Default: values are plain JSON (objects, arrays, numbers, strings) kept as they are. */
  codec?: StateCodec<V>;
  /**
   * Event-time milliseconds after which a key nobody wrote is forgotten, as if it had
   * never been seen (default: the pipeline's `state_idle_ttl_days`; Infinity never).
   */
  idleTtlMs?: number;
  /** Never evicted to the encoded form (small stores read on every event). */
  pinned?: boolean;
}

export interface KeyedState<V> {
  /**
   * The value of `key`, which the caller may change in place: it is written to the
   * changelog at the end of the batch. Undefined when absent or expired.
   */
  get(key: string): V | undefined;
  /** The value of `key` for reading only: not written back, so do not change it. */
  peek(key: string): V | undefined;
  /** `get(key)`, or `create()` stored under `key` when absent. */
  getOrCreate(key: string, create: () => V): V;
  put(key: string, value: V): void;
  delete(key: string): void;
  /** Keys held (in memory or evicted). */
  readonly size: number;
}

/** What a detector's `create` receives: its own namespace of stores. */
export interface DetectorState {
  /** Declares (or, after a reconfiguration, re-binds) the store `name`. Call at creation. */
  keyed<V>(name: string, options?: StoreOptions<V>): KeyedState<V>;
}

/** A codec for values that are plain JSON already. */
export function jsonCodec<V>(): StateCodec<V> {
  return { encode: (v) => v, decode: (json) => json as V };
}
