import { describe, expect, it } from 'vitest';
import { NoveltyCodebook } from '../../../shared/stats/novelty-codebook.ts';
import { Novelty } from '../../../shared/stats/novelty.ts';
import { packArray, unpackF32, unpackU16 } from '../../../shared/stats/packed.ts';
import { PhaseProfile } from '../../../shared/stats/phase-profile.ts';
import { Recurrence } from '../../../shared/stats/recurrence.ts';
import { RunLength } from '../../../shared/stats/run-length.ts';
import { UnivariateDetector } from '../../../shared/stats/univariate-detector.ts';
import { gaussians, viaJson } from './helpers.ts';

const MIN = 60_000;
const DAY = 86_400_000;

describe('packed arrays', () => {
  it('round-trip float32 and uint16 arrays exactly, and reject a wrong length', () => {
    const f = Float32Array.from([0, -1.5, 3.14159, 1e30, Number.NaN]);
    expect(Array.from(unpackF32(packArray(f), 5))).toEqual(Array.from(f));
    const u = Uint16Array.from([0, 1, 65_535]);
    expect(Array.from(unpackU16(packArray(u), 3))).toEqual([0, 1, 65_535]);
    expect(() => unpackF32(packArray(f), 4)).toThrow(TypeError);
  });
});

describe('PhaseProfile', () => {
  it('learns a daily curve, interpolates between bins and restores exactly', () => {
    const p = new PhaseProfile(DAY, 144);
    for (let i = 0; i < 5 * 288; i++) {
      const t = i * 5 * MIN;
      p.update(t, Math.sin((2 * Math.PI * t) / DAY), 0.2);
    }
    const t = 3 * DAY + 6 * 3_600_000 + 7 * MIN; // 06:07, near the curve's top
    expect(p.expected(t, 2)).toBeCloseTo(Math.sin((2 * Math.PI * (t % DAY)) / DAY), 2);
    expect(p.countAt(t)).toBeGreaterThanOrEqual(5);
    const r = PhaseProfile.restore(viaJson(p.snapshot()));
    expect(r.expected(t, 2)).toBe(p.expected(t, 2));
    expect(new PhaseProfile(DAY, 24).expected(t, 1)).toBeNaN();
  });
});

describe('Recurrence', () => {
  it('discounts an event that recurs at the same time each day, not one at a new time', () => {
    const r = new Recurrence(DAY);
    const step = 5 * MIN;
    for (let t = 0; t < 6 * DAY; t += step) r.learn(t, t % DAY === 2 * 3_600_000); // 02:00 daily
    expect(r.surprise(6 * DAY + 2 * 3_600_000, step)).toBeLessThan(1.5);
    expect(r.surprise(6 * DAY + 14 * 3_600_000, step)).toBe(Number.POSITIVE_INFINITY);
    const back = Recurrence.restore(viaJson(r.snapshot()));
    expect(back.surprise(6 * DAY + 2 * 3_600_000, step)).toBe(r.surprise(6 * DAY + 2 * 3_600_000, step));
  });
});

describe('RunLength', () => {
  it('flags a run longer than the series makes, and learns that an on/off series idles long', () => {
    // A sensor that repeats a reading one time in fifty, then freezes.
    const frozen = new RunLength();
    for (let i = 0; i < 600; i++) frozen.update(i % 50 === 0, true);
    let s = 0;
    for (let i = 0; i < 10; i++) s = frozen.update(true, true);
    expect(s).toBeGreaterThan(4);

    // Idle runs of 200 zeros between bursts: after a few, a run of 200 is normal.
    const sparse = new RunLength();
    let last = 0;
    for (let k = 0; k < 8; k++) {
      for (let i = 0; i < 10; i++) sparse.update(false, true);
      for (let i = 0; i < 200; i++) last = sparse.update(i > 0, true);
    }
    expect(last).toBeLessThan(2);
    const back = RunLength.restore(viaJson(sparse.snapshot()));
    expect(back.update(true, true)).toBe(sparse.update(true, true));
  });
});

describe('NoveltyCodebook and Novelty', () => {
  it('keeps prototypes of what it has seen and measures the distance to the nearest', () => {
    const c = new NoveltyCodebook(4, 2, 0.5);
    for (let i = 0; i < 100; i++) {
      const f = i % 2 === 0 ? [0, 0] : [3, 0];
      c.distance(f);
      c.learn(f);
    }
    expect(c.distance([0.1, 0])).toBeCloseTo(0.1, 5);
    expect(c.distance([10, 0])).toBeCloseTo(7, 5);
    const r = NoveltyCodebook.restore(viaJson(c.snapshot()));
    expect(r.distance([1, 1])).toBe(c.distance([1, 1]));
  });
  it('finds a level never reached before surprising, and a familiar one not', () => {
    const n = new Novelty();
    const xs = gaussians(2000, 41, 20, 1);
    for (const x of xs) {
      n.score(x, 1e-9);
      n.learn(x);
    }
    expect(n.score(20.5, 1e-9)).toBeLessThan(1);
    expect(n.score(35, 1e-9)).toBeGreaterThan(10);
  });
});

describe('univariate detector is causal', () => {
  it("a point's score does not depend on any later point", () => {
    const base = gaussians(3000, 42, 100, 3);
    base.forEach((_, i) => {
      if (i >= 2000 && i < 2100) base[i] = (base[i] as number) + 12;
    });
    const run = (xs: readonly number[]): number[] => {
      const d = new UnivariateDetector();
      return xs.map((x, i) => d.update(i * 5 * MIN, x).score);
    };
    const whole = run(base);
    // Change the future in wild ways: the past's scores must not move.
    for (const cut of [500, 1500, 2050]) {
      const future = base.map((x, i) => (i < cut ? x : i % 7 === 0 ? 1e6 : -x));
      expect(run(future).slice(0, cut)).toEqual(whole.slice(0, cut));
    }
  });
});
