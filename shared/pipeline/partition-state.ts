/**
 * All keyed stores of one input partition (or of a whole replay), with the event-time
 * clock they share. Store ids are `<namespace>/<name>`: the namespace is the detector id
 * (or `_pipeline` for the pipeline's own stores), so detectors never collide. Records of
 * stores nobody has declared yet (a detector disabled at the moment) are kept as they
 * came, so re-enabling the detector finds its state.
 */
import { vigilError } from '../errors.ts';
import { jsonCodec, type DetectorState, type KeyedState, type StoreOptions } from './keyed-state.ts';
import { KeyedStore, type StateRecord, type StoreClock } from './keyed-store.ts';

export interface StateBudget {
  /** Most decoded values per store kept in memory; the rest stay encoded (default 50,000). */
  maxHotPerStore: number;
  /** Default idle time to live of detector stores, event-time ms (default 30 days). */
  idleTtlMs: number;
}

export const DEFAULT_STATE_BUDGET: StateBudget = {
  maxHotPerStore: 50_000,
  idleTtlMs: 30 * 86_400_000,
};

const NAME = /^[A-Za-z0-9_.:-]+$/;

export class PartitionState {
  readonly clock: StoreClock = { eventTime: 0, watermark: 0, epoch: 0 };
  private readonly stores = new Map<string, KeyedStore<unknown>>();

  constructor(readonly budget: StateBudget = DEFAULT_STATE_BUDGET) {}

  /** The namespace handed to one detector's `create`. */
  namespace(namespace: string): DetectorState {
    return {
      keyed: <V>(name: string, options: StoreOptions<V> = {}): KeyedState<V> =>
        this.store<V>(`${namespace}/${name}`, options),
    };
  }

  store<V>(id: string, options: StoreOptions<V> = {}): KeyedStore<V> {
    const [namespace, name] = [id.slice(0, id.lastIndexOf('/')), id.slice(id.lastIndexOf('/') + 1)];
    if (!NAME.test(name) || !NAME.test(namespace)) {
      throw vigilError('VGL_ERR_STATE_CORRUPT', [id, 'store names use letters, digits and _.:-']);
    }
    let store = this.stores.get(id) as KeyedStore<V> | undefined;
    if (store === undefined) {
      store = new KeyedStore<V>(id, this.clock);
      this.stores.set(id, store as KeyedStore<unknown>);
    }
    return store.bind(options, options.codec ?? jsonCodec<V>(), this.budget.idleTtlMs);
  }

  /** Starts a batch (least-recently-used bookkeeping counts batches). */
  beginBatch(): void {
    this.clock.epoch++;
  }

  /** Records of everything changed since the last call: what the batch commits. */
  drain(): StateRecord[] {
    const out: StateRecord[] = [];
    for (const store of this.stores.values()) store.drain(out);
    return out;
  }

  /** After a commit: expire idle keys and move cold what is over budget. */
  compact(): { expired: number; evicted: number } {
    let expired = 0;
    let evicted = 0;
    for (const store of this.stores.values()) {
      if (!store.bound) continue;
      expired += store.sweep();
      evicted += store.evict(this.budget.maxHotPerStore);
    }
    return { expired, evicted };
  }

  /** Takes one restored changelog record. Throws VGL_ERR_STATE_CORRUPT on a bad record. */
  load(key: string, value: string | null): void {
    const bar = key.indexOf('|');
    if (bar <= 0) throw vigilError('VGL_ERR_STATE_CORRUPT', [key, 'record key has no store id']);
    const id = key.slice(0, bar);
    let store = this.stores.get(id);
    if (store === undefined) {
      store = new KeyedStore<unknown>(id, this.clock);
      this.stores.set(id, store);
    }
    store.load(key.slice(bar + 1), value);
  }

  exportAll(): StateRecord[] {
    const out: StateRecord[] = [];
    for (const store of this.stores.values()) store.exportAll(out);
    return out;
  }

  /** Per store: keys held, keys decoded in memory, bytes of the encoded tier. */
  stats(): Array<{ store: string; keys: number; hot: number; coldBytes: number }> {
    return [...this.stores.values()].map((s) => ({
      store: s.id,
      keys: s.size,
      hot: s.hotSize,
      coldBytes: s.coldBytes,
    }));
  }
}
