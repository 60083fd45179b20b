import { describe, expect, it } from 'vitest';
import type { StateCodec } from '../../../shared/pipeline/keyed-state.ts';
import type { StateRecord } from '../../../shared/pipeline/keyed-store.ts';
import { PartitionState } from '../../../shared/pipeline/partition-state.ts';

const HOUR = 3_600_000;

function at(state: PartitionState, ts: number): void {
  state.clock.eventTime = ts;
  state.clock.watermark = Math.max(state.clock.watermark, ts);
}

function restored(records: StateRecord[], budget = { maxHotPerStore: 1000, idleTtlMs: 24 * HOUR }) {
  const next = new PartitionState(budget);
  for (const r of JSON.parse(JSON.stringify(records)) as StateRecord[]) next.load(r.key, r.value);
  return next;
}

describe('keyed state', () => {
  it('writes exactly the keys changed since the last drain, once each, and tombstones deletes', () => {
    const state = new PartitionState();
    const store = state.namespace('d').keyed<{ n: number }>('counts');
    at(state, 1000);
    store.put('a', { n: 1 });
    store.put('b', { n: 1 });
    store.get('a')!.n++;
    expect(state.drain().map((r) => r.key)).toEqual(['d/counts|a', 'd/counts|b']);
    expect(state.drain()).toEqual([]);

    store.peek('a');
    expect(state.drain()).toEqual([]);
    store.get('b')!.n = 5;
    store.delete('a');
    const records = state.drain();
    expect(records).toEqual([
      { key: 'd/counts|b', value: '{"t":1000,"v":{"n":5}}' },
      { key: 'd/counts|a', value: null },
    ]);
  });

  it('restores from records lazily and gives back the same values', () => {
    const state = new PartitionState();
    const store = state.namespace('d').keyed<number[]>('series');
    at(state, 5000);
    for (let i = 0; i < 50; i++) store.put(`k${i}`, [i, i * 2]);
    const next = restored(state.drain());
    const again = next.namespace('d').keyed<number[]>('series');
    expect(again.size).toBe(50);
    expect(next.stats().find((s) => s.store === 'd/series')!.hot).toBe(0);
    expect(again.peek('k7')).toEqual([7, 14]);
    expect(next.stats().find((s) => s.store === 'd/series')!.hot).toBe(1);
  });

  it('evicts the least recently used values to their encoded form and reads them back', () => {
    let decodes = 0;
    const codec: StateCodec<Map<string, number>> = {
      encode: (m) => [...m],
      decode: (json) => {
        decodes++;
        return new Map(json as [string, number][]);
      },
    };
    const state = new PartitionState({ maxHotPerStore: 10, idleTtlMs: Number.POSITIVE_INFINITY });
    const store = state.namespace('d').keyed('maps', { codec });
    for (let i = 0; i < 30; i++) {
      state.beginBatch();
      at(state, i * 1000);
      store.getOrCreate(`k${i}`, () => new Map([['x', i]]));
      state.drain();
      state.compact();
    }
    const stats = state.stats().find((s) => s.store === 'd/maps')!;
    expect(stats.keys).toBe(30);
    expect(stats.hot).toBeLessThanOrEqual(10);
    expect(stats.coldBytes).toBeGreaterThan(0);
    expect(store.get('k0')!.get('x')).toBe(0);
    expect(decodes).toBe(1);
    // The recently used key stayed decoded.
    expect(store.peek('k29')!.get('x')).toBe(29);
    expect(decodes).toBe(1);
  });

  it('keeps a change made before an eviction: it still reaches the changelog', () => {
    const state = new PartitionState();
    const store = state.namespace('d').keyed<{ v: number }>('s');
    at(state, 1);
    store.put('a', { v: 1 });
    state.drain();
    store.get('a')!.v = 2;
    // Re-binding (a reconfiguration) encodes every decoded value before the drain.
    state.namespace('d').keyed<{ v: number }>('s');
    expect(state.drain()).toEqual([{ key: 'd/s|a', value: '{"t":1,"v":{"v":2}}' }]);
  });

  it('forgets keys idle past the time to live, the same whether or not a sweep ran', () => {
    const budget = { maxHotPerStore: 100, idleTtlMs: 10 * HOUR };
    const make = () => {
      const state = new PartitionState(budget);
      const store = state.namespace('d').keyed<number>('last');
      at(state, 0);
      store.put('old', 1);
      at(state, 5 * HOUR);
      store.put('young', 2);
      state.drain();
      at(state, 11 * HOUR);
      return { state, store };
    };
    const lazy = make();
    expect(lazy.store.get('old')).toBeUndefined();
    expect(lazy.store.get('young')).toBe(2);
    expect(lazy.state.drain().find((r) => r.key === 'd/last|old')).toEqual({
      key: 'd/last|old',
      value: null,
    });

    const swept = make();
    expect(swept.state.compact().expired).toBe(1);
    expect(swept.store.get('old')).toBeUndefined();
    expect(swept.store.size).toBe(1);
  });

  it('a restored key keeps its idle time: the record carries its last write time', () => {
    const state = new PartitionState({ maxHotPerStore: 100, idleTtlMs: 10 * HOUR });
    const store = state.namespace('d').keyed<number>('last');
    at(state, 0);
    store.put('a', 1);
    const next = restored(state.drain(), { maxHotPerStore: 100, idleTtlMs: 10 * HOUR });
    const again = next.namespace('d').keyed<number>('last');
    at(next, 11 * HOUR);
    expect(again.get('a')).toBeUndefined();
  });

  it('refuses a record it cannot read, naming the store and key, and leaves it untouched', () => {
    const state = new PartitionState();
    expect(() => state.load('d/s|a', 'garbage')).toThrow(/VGL_ERR_STATE_CORRUPT|d\/s\|a/);
    state.load('d/s|b', '{"t":1,"v":{"n":1}}');
    const codec: StateCodec<number> = {
      encode: (n) => n,
      decode: (json) => {
        if (typeof json !== 'number') throw new TypeError('expected a number');
        return json;
      },
    };
    const store = state.namespace('d').keyed('s', { codec });
    expect(() => store.get('b')).toThrow(/d\/s\|b.*expected a number/);
    expect(state.exportAll()).toEqual([{ key: 'd/s|b', value: '{"t":1,"v":{"n":1}}' }]);
  });

  it('keeps the records of stores nobody declared, for a detector enabled later', () => {
    const state = new PartitionState();
    state.load('off.detector/s|x', '{"t":1,"v":3}');
    expect(state.exportAll()).toEqual([{ key: 'off.detector/s|x', value: '{"t":1,"v":3}' }]);
    expect(state.namespace('off.detector').keyed<number>('s').peek('x')).toBe(3);
  });
});
