/** Seeded random streams for the stats tests (mulberry32 + Box–Muller). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussians(n: number, seed: number, mean = 0, sd = 1): number[] {
  const u = rng(seed);
  const out: number[] = [];
  while (out.length < n) {
    const r = Math.sqrt(-2 * Math.log(Math.max(u(), 1e-12)));
    const th = 2 * Math.PI * u();
    out.push(mean + sd * r * Math.cos(th), mean + sd * r * Math.sin(th));
  }
  return out.slice(0, n);
}

/** JSON round trip, as a snapshot takes through Kafka. */
export function viaJson<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}
