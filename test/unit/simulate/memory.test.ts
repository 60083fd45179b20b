import { describe, expect, it } from 'vitest';
import { EventSerializer } from '../../../shared/simulate/ndjson.ts';
import { simulate } from '../../../shared/simulate/simulate.ts';

describe('constant memory', () => {
  it('generates a week of --size medium without heap growth', () => {
    const sim = simulate({ seed: 8, days: 7, size: 'medium', scenarios: 'all' });
    const ser = new EventSerializer();
    const samples: number[] = [];
    let n = 0;
    let bytes = 0;
    for (const e of sim.events) {
      bytes += ser.line(e).length;
      if (++n % 100_000 === 0) samples.push(process.memoryUsage().heapUsed);
    }
    expect(n).toBeGreaterThan(1_000_000);
    expect(bytes).toBeGreaterThan(n * 100);
    // Compare the first day's footprint with the rest of the week: GC noise, not growth.
    const warm = samples.slice(2);
    const firstDay = Math.max(...warm.slice(0, 3));
    const later = Math.max(...warm.slice(3));
    expect(later - firstDay).toBeLessThan(64 * 1024 * 1024);
    expect(Math.max(...warm)).toBeLessThan(400 * 1024 * 1024);
  }, 240_000);
});
