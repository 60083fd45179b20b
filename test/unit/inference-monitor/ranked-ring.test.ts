import { describe, expect, it } from 'vitest';
import { rankSlot, rankSlots, unrankSlot } from '../../../services/inference-monitor/ranked-ring.ts';
import { mulberry32 } from '../../../shared/stats/mulberry32.ts';

/** The ring's values read through the ranking. */
const ranked = (order: Uint16Array, len: number, values: Float32Array): number[] =>
  Array.from(order.subarray(0, len), (i) => values[i]!);

describe('ranked ring', () => {
  it('reads a ring in the order sort() gives while slots are overwritten (ties included)', () => {
    const u = mulberry32(9);
    for (const capacity of [1, 2, 7, 256]) {
      const values = new Float32Array(capacity);
      const order = new Uint16Array(capacity);
      let head = 0;
      let count = 0;
      for (let step = 0; step < 2000; step++) {
        // Coarse values repeat, so equal values are ranked and unranked too.
        const v = u() < 0.3 ? Math.floor(u() * 5) : u() < 0.02 ? Infinity : u() * 100;
        const full = count === capacity;
        if (full) unrankSlot(order, count, values, head);
        values[head] = v;
        rankSlot(order, full ? count - 1 : count, values, head);
        head = (head + 1) % capacity;
        count = Math.min(count + 1, capacity);
        if (step % 37 === 0 || step === 1999) {
          expect(ranked(order, count, values)).toEqual(Array.from(values.slice(0, count).sort()));
          expect(new Set(order.subarray(0, count)).size).toBe(count);
        }
      }
      const rebuilt = rankSlots(values, count, capacity);
      expect(ranked(rebuilt, count, values)).toEqual(ranked(order, count, values));
    }
  });

  it('refuses to unrank a slot that is not ranked', () => {
    const values = Float32Array.from([3, 1, 2]);
    const order = rankSlots(values, 2, 3);
    expect(() => unrankSlot(order, 2, values, 2)).toThrow(RangeError);
  });
});
