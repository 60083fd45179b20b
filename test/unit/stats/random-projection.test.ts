import { describe, expect, it } from 'vitest';
import {
  equalNibbles64,
  popCount32,
  pStableSignature,
  RandomProjection,
  sharesNibbles64,
  SIGNATURE_PROJECTIONS,
} from '../../../shared/stats/random-projection.ts';
import { mulberry32 } from '../../../shared/stats/mulberry32.ts';
import { gaussians } from './helpers.ts';

const dist = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += ((a[i] as number) - (b[i] as number)) ** 2;
  return Math.sqrt(s);
};

describe('random projections', () => {
  it('keep distances to a few percent on average (Johnson–Lindenstrauss), dense and very sparse', () => {
    for (const [inDims, outDims] of [
      [48, 32],
      [256, 32],
    ] as const) {
      const p = RandomProjection.of(inDims, outDims, 3);
      expect(RandomProjection.of(inDims, outDims, 3)).toBe(p);
      const noise = gaussians(inDims * 200, inDims);
      let ratio = 0;
      for (let k = 0; k < 100; k++) {
        const a = noise.slice(2 * k * inDims, (2 * k + 1) * inDims);
        const b = noise.slice((2 * k + 1) * inDims, (2 * k + 2) * inDims);
        const pa = p.apply(a, new Float64Array(outDims));
        const pb = p.apply(b, new Float64Array(outDims));
        ratio += dist(pa, pb) / dist(a, b);
      }
      expect(ratio / 100).toBeGreaterThan(0.9);
      expect(ratio / 100).toBeLessThan(1.1);
    }
  });

  it('dense projections equal the row-by-row sums bit for bit, with and without a centre', () => {
    for (const [inDims, outDims] of [
      [1, 1],
      [8, 16],
      [6, 16],
      [5, 7],
      [64, 33],
    ] as const) {
      const p = RandomProjection.of(inDims, outDims, 11);
      // The matrix, column by column (a unit vector's image is its column, exactly).
      const matrix = Array.from({ length: inDims }, (_, i) => {
        const unit = new Float64Array(inDims);
        unit[i] = 1;
        return Array.from(p.apply(unit, new Float64Array(outDims)));
      });
      const g = gaussians(inDims * 40, 13);
      for (let k = 0; k < 20; k++) {
        const x = g.slice(2 * k * inDims, (2 * k + 1) * inDims);
        const centre = g.slice((2 * k + 1) * inDims, (2 * k + 2) * inDims - 1); // one short: 0 beyond
        for (const c of [undefined, centre]) {
          const expected = Array.from({ length: outDims }, (_, j) => {
            let s = 0;
            for (let i = 0; i < inDims; i++)
              s += matrix[i]![j]! * (x[i]! - (c === undefined ? 0 : (c[i] ?? 0)));
            return s;
          });
          expect(Array.from(p.apply(x, new Float64Array(outDims), c))).toEqual(expected);
        }
      }
    }
  });

  it('sharesNibbles64 gives the verdict of equalNibbles64 ≥ minEqual', () => {
    const u = mulberry32(21);
    const word = () => Math.floor(u() * 2 ** 32) >>> 0;
    for (let k = 0; k < 3000; k++) {
      const aLo = word();
      const aHi = word();
      // Flip a few random nibbles, so every count of equal nibbles occurs.
      let bLo = aLo;
      let bHi = aHi;
      const flips = Math.floor(u() * 17);
      for (let f = 0; f < flips; f++) {
        const n = Math.floor(u() * 16);
        const bits = (1 + Math.floor(u() * 15)) << (4 * (n % 8));
        if (n < 8) bLo = (bLo ^ bits) >>> 0;
        else bHi = (bHi ^ bits) >>> 0;
      }
      for (let minEqual = 0; minEqual <= 17; minEqual++)
        expect(sharesNibbles64(aLo, aHi, bLo, bHi, minEqual)).toBe(
          equalNibbles64(aLo, aHi, bLo, bHi) >= minEqual,
        );
    }
  });

  it('p-stable signatures: near-duplicates share nearly every bucket, neighbours few', () => {
    const p = RandomProjection.of(8, SIGNATURE_PROJECTIONS, 1);
    const widths = new Float64Array(SIGNATURE_PROJECTIONS).fill(0.3);
    const sig = (x: number[]): [number, number] => {
      const out = new Uint32Array(2);
      pStableSignature(p.apply(x, new Float64Array(SIGNATURE_PROJECTIONS)), widths, out);
      return [out[0]!, out[1]!];
    };
    const g = gaussians(8 * 400, 9, 0, 1);
    let near = 0;
    let far = 0;
    for (let k = 0; k < 100; k++) {
      const x = g.slice(8 * k, 8 * k + 8);
      const copy = x.map((v, i) => v + 0.01 * (g[3200 - 1 - i - k] as number));
      const other = g.slice(8 * (k + 200), 8 * (k + 200) + 8);
      const [a0, a1] = sig(x);
      const [b0, b1] = sig(copy);
      const [c0, c1] = sig(other);
      if (equalNibbles64(a0, a1, b0, b1) >= 14) near++;
      if (equalNibbles64(a0, a1, c0, c1) >= 14) far++;
    }
    expect(near).toBeGreaterThanOrEqual(90);
    expect(far).toBeLessThanOrEqual(2);
    expect(equalNibbles64(0x12345678, 0x9abcdef0, 0x12345678, 0x9abcdef0)).toBe(16);
    expect(equalNibbles64(0x12345678, 0, 0x02345678, 0)).toBe(15);
    expect(popCount32(0xffffffff)).toBe(32);
    expect(popCount32(0x80000001)).toBe(2);
  });
});
