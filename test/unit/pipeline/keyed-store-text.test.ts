import { describe, expect, it } from 'vitest';
import type { StateCodec } from '../../../shared/pipeline/keyed-state.ts';
import { PartitionState } from '../../../shared/pipeline/partition-state.ts';

/** A value kept as a Float64Array in memory and as one base64 string in the changelog. */
const codec: StateCodec<Float64Array> = {
  encode: (v) => ({ b: Buffer.from(v.buffer).toString('base64') }),
  encodeText: (v) => `{"b":"${Buffer.from(v.buffer).toString('base64')}"}`,
  decode: (json) => new Float64Array(new Uint8Array(Buffer.from((json as { b: string }).b, 'base64')).buffer),
};

describe('StateCodec.encodeText', () => {
  it('writes the codec’s own JSON text to the changelog, and restores through decode', () => {
    const state = new PartitionState();
    const store = state.namespace('test').keyed('values', { codec });
    state.clock.eventTime = 5;
    store.put('k', Float64Array.of(1.5, -2, 1e300));
    const records = state.drain();
    expect(records).toEqual([
      { key: 'test/values|k', value: `{"t":5,"v":${codec.encodeText!(Float64Array.of(1.5, -2, 1e300))}}` },
    ]);

    const restored = new PartitionState();
    for (const r of records) restored.load(r.key, r.value);
    restored.clock.eventTime = 5;
    const again = restored.namespace('test').keyed('values', { codec });
    expect(Array.from(again.get('k')!)).toEqual([1.5, -2, 1e300]);
    expect(restored.exportAll()[0]!.value).toBe(records[0]!.value);
  });
});
