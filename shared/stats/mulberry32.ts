/**
 * mulberry32 (Tommy Ettinger): a small, fast 32-bit generator of uniforms in [0, 1), for
 * fixed pseudo-random constants (projection matrices) and seeded test data. The same seed
 * gives the same stream everywhere; tests and reference values depend on its exact draws.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
