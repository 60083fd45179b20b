/**
 * The slots of a ring of values, kept ranked by value as slots are overwritten, so a
 * reader that wants the values in ascending order walks the ranking instead of sorting
 * the ring: one binary search and one native move (`copyWithin`) per write, against a
 * sort of the whole ring per read (PRADA reads its 256 distances every 10 queries).
 * Values are compared as stored (float32), so the ranking is the order `sort()` gives.
 */

/** The ranking of `values[0..len)`: slot indices, ascending by value. */
export function rankSlots(values: Float32Array, len: number, capacity: number): Uint16Array {
  const order = new Uint16Array(capacity);
  for (let i = 0; i < len; i++) order[i] = i;
  order.subarray(0, len).sort((a, b) => (values[a] as number) - (values[b] as number));
  return order;
}

/** First rank in `order[0..len)` whose value is not below `v`. */
function lowerBound(order: Uint16Array, len: number, values: Float32Array, v: number): number {
  let lo = 0;
  let hi = len;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[order[mid] as number] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Takes `slot` (still holding its old value) out of `order[0..len)`. */
export function unrankSlot(order: Uint16Array, len: number, values: Float32Array, slot: number): void {
  let q = lowerBound(order, len, values, values[slot] as number);
  while (q < len && order[q] !== slot) q++; // among equal values
  if (q === len) throw new RangeError(`slot ${slot} is not ranked`);
  order.copyWithin(q, q + 1, len);
}

/** Ranks `slot` (holding its new value) into `order[0..len)`, which grows by one. */
export function rankSlot(order: Uint16Array, len: number, values: Float32Array, slot: number): void {
  const q = lowerBound(order, len, values, values[slot] as number);
  order.copyWithin(q + 1, q, len);
  order[q] = slot;
}
