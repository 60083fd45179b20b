/**
 * "Has this key been seen (lately)?" in a fixed number of bits: a Bloom filter (Bloom
 * 1970) in two generations — keys go into the current one, membership asks both, and
 * `rotate()` drops the older generation and starts an empty current one — so memory is
 * bounded and keys not seen for two rotation periods are forgotten (the "aging Bloom
 * filter" of Yoon 2010, with two generations).
 *
 * Error: no false negatives within the memory; a key never seen is reported as seen with
 * probability ≈ (1 − e^(−k·n/m))^k per generation (n keys in a generation of m bits,
 * k hashes), so about 1 − (1 − f₁)(1 − f₂) for both; `falsePositiveRate()` gives it from
 * the bits actually set. For m = 1024, k = 4: 0.24 % at 50 keys, 2.4 % at 100, 9.2 % at
 * 150. Hashes: FNV-1a (32 bit) over UTF-16 code units and a second seeded FNV-1a,
 * combined by double hashing (Kirsch & Mitzenmacher 2006). O(k) per call; the `…At`
 * methods take positions computed once by `bitPositions`.
 */
import { checkVersion } from './ring-buffer.ts';
import { packArray, unpackU32 } from './packed.ts';

export interface AgingBloomState {
  v: 1;
  bits: number;
  hashes: number;
  /** Base64 of the current and previous generations' 32-bit words. */
  current: string;
  previous: string;
  /** Keys added to the current generation (estimates, for the error rate). */
  added: number;
}

/** Two 32-bit hashes of a string: FNV-1a, and FNV-1a with another offset basis. */
export function hashPair(key: string): [number, number] {
  let h1 = 0x811c9dc5;
  let h2 = 0x3b9aca07;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x01000193);
  }
  // Final avalanche so nearby keys spread over all bits (murmur3 fmix32).
  h2 ^= h2 >>> 16;
  h2 = Math.imul(h2, 0x85ebca6b);
  h2 ^= h2 >>> 13;
  return [h1 >>> 0, (h2 | 1) >>> 0];
}

/**
 * The `hashes` bit positions of a key (given by `hashPair`) in a filter of `bits` bits,
 * written to `out` from `at`: the same positions `contains`/`add` compute, done once for
 * a key that is tested often (the `…At` methods then skip the hashing and the modulo).
 */
export function bitPositions(
  h: readonly [number, number],
  bits: number,
  hashes: number,
  out: Uint32Array,
  at: number,
): void {
  for (let i = 0; i < hashes; i++) out[at + i] = (h[0] + i * h[1]) % bits;
}

export class AgingBloom {
  readonly bits: number;
  readonly hashes: number;
  private current: Uint32Array;
  private previous: Uint32Array;
  private added = 0;

  constructor(bits: number, hashes: number) {
    if (!Number.isInteger(bits) || bits < 32 || bits % 32 !== 0 || !Number.isInteger(hashes) || hashes < 1) {
      throw new RangeError('AgingBloom needs a bit count that is a positive multiple of 32 and ≥ 1 hash');
    }
    this.bits = bits;
    this.hashes = hashes;
    this.current = new Uint32Array(bits / 32);
    this.previous = new Uint32Array(bits / 32);
  }

  private static test(words: Uint32Array, bit: number): boolean {
    return ((words[bit >>> 5] as number) & (1 << (bit & 31))) !== 0;
  }

  private has(words: Uint32Array, h: readonly [number, number]): boolean {
    for (let i = 0; i < this.hashes; i++) {
      if (!AgingBloom.test(words, (h[0] + i * h[1]) % this.bits)) return false;
    }
    return true;
  }

  /** Whether the key (given by `hashPair`) is in either generation. */
  contains(h: readonly [number, number]): boolean {
    return this.has(this.current, h) || this.has(this.previous, h);
  }

  /** Whether the key is in the current generation (a refresh is not needed). */
  inCurrent(h: readonly [number, number]): boolean {
    return this.has(this.current, h);
  }

  /** Adds the key to the current generation; true when that changed a bit. */
  add(h: readonly [number, number]): boolean {
    let changed = false;
    for (let i = 0; i < this.hashes; i++) if (this.set((h[0] + i * h[1]) % this.bits)) changed = true;
    if (changed) this.added++;
    return changed;
  }

  /**
   * As `inCurrent`, `contains` and `add`, for the key whose positions `bitPositions` wrote
   * at `at` for this filter's `bits` and `hashes`.
   */
  inCurrentAt(positions: Uint32Array, at: number): boolean {
    return AgingBloom.hasAt(this.current, positions, at, this.hashes);
  }

  containsAt(positions: Uint32Array, at: number): boolean {
    return (
      AgingBloom.hasAt(this.current, positions, at, this.hashes) ||
      AgingBloom.hasAt(this.previous, positions, at, this.hashes)
    );
  }

  addAt(positions: Uint32Array, at: number): boolean {
    let changed = false;
    for (let i = at; i < at + this.hashes; i++) if (this.set(positions[i] as number)) changed = true;
    if (changed) this.added++;
    return changed;
  }

  /** Sets `bit` in the current generation; true when it was not set. */
  private set(bit: number): boolean {
    const w = bit >>> 5;
    const mask = 1 << (bit & 31);
    if (((this.current[w] as number) & mask) !== 0) return false;
    this.current[w] = (this.current[w] as number) | mask;
    return true;
  }

  private static hasAt(words: Uint32Array, positions: Uint32Array, at: number, hashes: number): boolean {
    for (let i = at; i < at + hashes; i++) {
      const bit = positions[i] as number;
      if (((words[bit >>> 5] as number) & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }

  /** The current generation becomes the previous one; the oldest is forgotten. */
  rotate(): void {
    this.previous = this.current;
    this.current = new Uint32Array(this.bits / 32);
    this.added = 0;
  }

  get keysInCurrent(): number {
    return this.added;
  }

  /** Probability that a key never added is reported as contained, from the set bits. */
  falsePositiveRate(): number {
    const f = (words: Uint32Array): number => Math.pow(popcount(words) / this.bits, this.hashes);
    return 1 - (1 - f(this.current)) * (1 - f(this.previous));
  }

  snapshot(): AgingBloomState {
    return {
      v: 1,
      bits: this.bits,
      hashes: this.hashes,
      current: packArray(this.current),
      previous: packArray(this.previous),
      added: this.added,
    };
  }

  static restore(s: AgingBloomState): AgingBloom {
    checkVersion(s.v, 'AgingBloom');
    const b = new AgingBloom(s.bits, s.hashes);
    b.current = unpackU32(s.current, s.bits / 32);
    b.previous = unpackU32(s.previous, s.bits / 32);
    b.added = s.added;
    return b;
  }
}

function popcount(words: Uint32Array): number {
  let n = 0;
  for (let i = 0; i < words.length; i++) {
    let x = words[i] as number;
    x -= (x >>> 1) & 0x55555555;
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
    n += (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) as number;
  }
  return n;
}
