import { describe, expect, it } from 'vitest';
import { fill, rowReader } from '../../../services/facility-monitor/detectors/metric-row.ts';

describe('facility.metric row reader', () => {
  it('reads each column by name, NaN where absent, and counts the present ones', () => {
    const read = rowReader(['load_pct', 'battery_pct', 'input_v']);
    const row = new Float64Array(3);
    expect(read(row, { input_v: 229.5, load_pct: 41, other: 7 })).toBe(2);
    expect(Array.from(row)).toEqual([41, Number.NaN, 229.5]);
    expect(read(row, {})).toBe(0);
    expect(Array.from(row).every(Number.isNaN)).toBe(true);
  });

  it('agrees with the generic loop, and falls back to it for names that are not identifiers', () => {
    const columns = ['supply_c', 'return_c', 'fan_rpm'];
    const metrics = { supply_c: 18.25, fan_rpm: 0, return_c: -1e-9 };
    const a = new Float64Array(3);
    const b = new Float64Array(3);
    expect(rowReader(columns)(a, metrics)).toBe(fill(b, columns, metrics));
    expect(Array.from(a)).toEqual(Array.from(b));
    const odd = ['x-y', 'constructor;process.exit()'];
    const row = new Float64Array(2);
    expect(rowReader(odd)(row, { 'x-y': 3 })).toBe(1);
    expect(row[0]).toBe(3);
    expect(Number.isNaN(row[1])).toBe(true);
  });
});
