/** Seeded random streams for the stats tests (mulberry32 + Box–Muller). */
import { mulberry32 } from '../../../shared/stats/mulberry32.ts';

/** Uniforms in [0, 1) from `seed` (mulberry32). */
export const rng = mulberry32;

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
