/**
 * Seeded pseudo-random numbers for the simulator: sfc32 (Chris Doty-Humphrey's Small Fast
 * Counting generator, as in PractRand), seeded through a 32-bit string hash. Every entity
 * gets its own stream (`Rng.derive`), so adding a scenario or an entity never changes the
 * draws of the others — a property the determinism tests and composable scenarios rely on.
 */

/**
 * FNV-1a over a string, then a murmur3 finaliser so nearby strings give far-apart seeds.
 * Also the inference PRADA detector's deterministic per-event draw (of an event id).
 */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** Second normal deviate of the last Box–Muller pair, or NaN when none is cached. */
  private spare = NaN;

  constructor(seed: number, salt = 0) {
    this.a = seed >>> 0;
    this.b = (salt ^ 0x9e3779b9) >>> 0;
    this.c = 0x243f6a88;
    this.d = 1;
    // Discard the first outputs: sfc32 needs a few rounds to mix a low-entropy seed.
    for (let i = 0; i < 15; i++) this.u32();
  }

  /** An independent stream for a named entity: same seed and key → same stream. */
  static derive(seed: number, key: string): Rng {
    return new Rng(seed, hash32(key));
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new RangeError('Rng.pick: empty list');
    return item;
  }

  /** Standard normal (Box–Muller, caching the second deviate). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const s = this.spare;
      this.spare = NaN;
      return s;
    }
    const u = 1 - this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  gauss(mean: number, sd: number): number {
    return mean + sd * this.normal();
  }

  /** Log-normal with the given median and log-space spread: the long tails of latencies and bytes. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Exponential waiting time with the given mean. */
  exp(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }
}
