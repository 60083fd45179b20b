import { describe, expect, it } from 'vitest';
import { NdjsonFileWriter } from '../../../shared/simulate/ndjson.ts';
import { simulate } from '../../../shared/simulate/simulate.ts';

describe('constant memory', () => {
  it('writes a week of --size medium through the file path without heap growth', () => {
    // The CLI's path: forEach into the NDJSON writer (its value caches are bounded).
    const sim = simulate({ seed: 8, days: 7, size: 'medium', scenarios: 'all' });
    const writer = new NdjsonFileWriter('/dev/null');
    const samples: number[] = [];
    let n = 0;
    sim.forEach((e) => {
      writer.write(e);
      if (++n % 100_000 === 0) samples.push(process.memoryUsage().heapUsed);
      return true;
    });
    writer.close();
    expect(n).toBeGreaterThan(1_000_000);
    expect(writer.bytes).toBeGreaterThan(n * 100);
    // Compare the first day's footprint with the rest of the week: GC noise, not growth.
    const warm = samples.slice(2);
    const firstDay = Math.max(...warm.slice(0, 3));
    const later = Math.max(...warm.slice(3));
    expect(later - firstDay).toBeLessThan(64 * 1024 * 1024);
    expect(Math.max(...warm)).toBeLessThan(400 * 1024 * 1024);
  }, 240_000);
});
