/**
 * Kafka's default partitioner for keyed messages: murmur2 of the key bytes, made positive,
 * modulo the partition count (Java client `Utils.murmur2` / `BuiltInPartitioner`, and
 * kafkajs' DefaultPartitioner). The embedded bus uses it so a key lands on the same
 * partition number in both modes; the publisher uses it to keep one key's messages in order.
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** Java-compatible murmur2 (32-bit signed result), on int arithmetic via Math.imul. */
export function murmur2(key: Buffer | string): number {
  const data = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const tail = length & ~3;
  const rest = length & 3;
  if (rest > 0) {
    if (rest === 3) h ^= data[tail + 2]! << 16;
    if (rest >= 2) h ^= data[tail + 1]! << 8;
    h ^= data[tail]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

export function partitionForKey(key: Buffer | string, partitions: number): number {
  return (murmur2(key) & 0x7fffffff) % partitions;
}
