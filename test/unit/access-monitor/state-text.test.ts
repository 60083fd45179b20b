import { describe, expect, it } from 'vitest';
import { ACCESS_DETECTORS } from '../../../services/access-monitor/detectors/index.ts';
import { arrayText, numberText, packedText } from '../../../services/access-monitor/state-text.ts';
import { accessWorld, runAll } from './access-fixtures.ts';

describe('access state text', () => {
  it('writes what JSON.stringify writes', () => {
    for (const n of [0, -0, 1.5, -2e-7, 1e21, 5e-324, Number.NaN, Number.POSITIVE_INFINITY])
      expect(numberText(n)).toBe(JSON.stringify(n));
    const f = new Float32Array([1.1, 2e9, -0]);
    expect(packedText(f)).toBe(JSON.stringify(Buffer.from(f.buffer).toString('base64')));
    const m = Float64Array.of(1.7e12, Number.NaN, 0.25);
    expect(arrayText(m, packedText(f), JSON.stringify('e"1'))).toBe(
      JSON.stringify([...m, Buffer.from(f.buffer).toString('base64'), 'e"1']),
    );
    expect(arrayText([], '"a"', '"b"')).toBe('["a","b"]');
    expect(arrayText([3])).toBe('[3]');
  });

  // Each codec's encodeText must equal JSON.stringify(encode(value)): text JSON.stringify
  // writes is exactly the text that survives a parse and a stringify unchanged.
  const world = accessWorld(9, 4, ['all']);
  const stateful = ACCESS_DETECTORS.filter((d) => d.id !== 'access.cross_tenant');
  it.each(stateful.map((d) => [d.id, d] as const))('%s: every record is canonical JSON', (_, def) => {
    const { runner } = runAll(def, world.events);
    const records = runner.records().filter((r) => r.value !== null);
    expect(records.length).toBeGreaterThan(0);
    for (const r of records) expect(JSON.stringify(JSON.parse(r.value!))).toBe(r.value);
  });
});
