import { describe, expect, it } from 'vitest';
import { AgingBloom, bitPositions, hashPair } from '../../../shared/stats/aging-bloom.ts';
import { packArray, unpackF32, unpackF64, unpackU16 } from '../../../shared/stats/packed.ts';
import { viaJson } from './helpers.ts';

describe('AgingBloom', () => {
  it('hashes are pinned (FNV-1a 32 bit and the seeded, mixed second hash)', () => {
    // FNV-1a("a") = 0xe40c292c, the published test vector.
    expect(hashPair('a')[0]).toBe(0xe40c292c);
    expect(hashPair('')[0]).toBe(0x811c9dc5);
    expect(hashPair('acme/secret/hr-12')[1] % 2).toBe(1);
  });

  it('has no false negatives and a false-positive rate near (1 − e^(−kn/m))^k', () => {
    const b = new AgingBloom(1024, 4);
    for (let i = 0; i < 100; i++) b.add(hashPair(`acme/dataset/d-${i}`));
    for (let i = 0; i < 100; i++) expect(b.contains(hashPair(`acme/dataset/d-${i}`))).toBe(true);
    let fp = 0;
    const trials = 20_000;
    for (let i = 0; i < trials; i++) if (b.contains(hashPair(`other/${i}`))) fp++;
    const theory = Math.pow(1 - Math.exp((-4 * 100) / 1024), 4); // 0.0240
    expect(fp / trials).toBeGreaterThan(theory * 0.6);
    expect(fp / trials).toBeLessThan(theory * 1.5);
    expect(b.falsePositiveRate()).toBeGreaterThan(theory * 0.7);
    expect(b.falsePositiveRate()).toBeLessThan(theory * 1.3);
  });

  it('forgets keys after two rotations and survives a JSON round trip', () => {
    const b = new AgingBloom(256, 3);
    const h = hashPair('x');
    b.add(h);
    b.rotate();
    expect(b.contains(h)).toBe(true);
    expect(b.inCurrent(h)).toBe(false);
    const r = AgingBloom.restore(viaJson(b.snapshot()));
    expect(r.contains(h)).toBe(true);
    r.rotate();
    expect(r.contains(h)).toBe(false);
  });

  it('answers the same from precomputed bit positions as from the hashes', () => {
    const viaHash = new AgingBloom(768, 4);
    const viaPositions = new AgingBloom(768, 4);
    const positions = new Uint32Array(4);
    for (let i = 0; i < 300; i++) {
      const h = hashPair(`acme/dataset/d-${i % 120}`);
      bitPositions(h, 768, 4, positions, 0);
      expect(viaPositions.inCurrentAt(positions, 0)).toBe(viaHash.inCurrent(h));
      expect(viaPositions.containsAt(positions, 0)).toBe(viaHash.contains(h));
      expect(viaPositions.addAt(positions, 0)).toBe(viaHash.add(h));
      if (i % 100 === 99) {
        viaHash.rotate();
        viaPositions.rotate();
      }
    }
    expect(viaPositions.snapshot()).toEqual(viaHash.snapshot());
  });

  it('packs typed arrays exactly', () => {
    const f64 = new Float64Array([Math.PI, -1e300, 5e-324, 0]);
    expect([...unpackF64(packArray(f64), 4)]).toEqual([...f64]);
    const f32 = new Float32Array([1.1, 2e9]);
    expect([...unpackF32(packArray(f32), 2)]).toEqual([...f32]);
    expect([...unpackU16(packArray(new Uint16Array([65535, 7])), 2)]).toEqual([65535, 7]);
    expect(() => unpackF64(packArray(f64), 3)).toThrow(/expected 3 values/);
  });
});
