import * as ss from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { Ewma, alphaForInterval, alphaForSpan } from '../../../shared/stats/ewma.ts';
import { RingBuffer } from '../../../shared/stats/ring-buffer.ts';
import { RunningMoments } from '../../../shared/stats/running-moments.ts';
import { gaussians, viaJson } from './helpers.ts';

describe('RingBuffer', () => {
  it('keeps the last `capacity` values in order and returns what it evicts', () => {
    const r = new RingBuffer(3);
    expect(Number.isNaN(r.push(1))).toBe(true);
    r.push(2);
    r.push(3);
    expect(r.push(4)).toBe(1);
    expect(r.toArray()).toEqual([2, 3, 4]);
    expect(r.last()).toBe(4);
    expect(RingBuffer.restore(viaJson(r.snapshot())).toArray()).toEqual([2, 3, 4]);
    expect(() => new RingBuffer(0)).toThrow(RangeError);
  });
});

describe('RunningMoments (Welford)', () => {
  const xs = gaussians(5000, 1, 1e6, 3); // large offset: the naive sum-of-squares would lose digits
  it('matches simple-statistics mean, variance and sample variance', () => {
    const m = new RunningMoments();
    for (const x of xs) m.push(x);
    expect(m.mean).toBeCloseTo(ss.mean(xs), 6);
    expect(m.variance).toBeCloseTo(ss.variance(xs), 6);
    expect(m.sampleVariance).toBeCloseTo(ss.sampleVariance(xs), 6);
    expect(m.min).toBe(ss.min(xs));
    expect(m.max).toBe(ss.max(xs));
  });
  it('merges two halves into the whole (Chan et al.)', () => {
    const a = new RunningMoments();
    const b = new RunningMoments();
    xs.slice(0, 1234).forEach((x) => a.push(x));
    xs.slice(1234).forEach((x) => b.push(x));
    a.merge(b);
    expect(a.count).toBe(xs.length);
    expect(a.variance).toBeCloseTo(ss.variance(xs), 6);
  });
  it('restores an empty accumulator through JSON', () => {
    const r = RunningMoments.restore(viaJson(new RunningMoments().snapshot()));
    r.push(2);
    expect([r.min, r.max, r.mean]).toEqual([2, 2, 2]);
  });
});

describe('Ewma', () => {
  it('equals the explicit exponentially weighted mean and variance (Finch 2009)', () => {
    const alpha = 0.1;
    const xs = gaussians(400, 2, 5, 2);
    const e = new Ewma(alpha);
    xs.forEach((x) => e.push(x));
    // Reference: the recursion unrolled as weights on past samples; the warm-up uses
    // weight max(alpha, 1/n), so start the reference from the 10th sample's state.
    const ref = new Ewma(alpha);
    xs.slice(0, 10).forEach((x) => ref.push(x));
    let mean = ref.mean;
    let v = ref.variance;
    for (const x of xs.slice(10)) {
      const d = x - mean;
      mean += alpha * d;
      v = (1 - alpha) * (v + alpha * d * d);
    }
    expect(e.mean).toBeCloseTo(mean, 12);
    expect(e.variance).toBeCloseTo(v, 12);
    // A stationary series: the EW estimates sit near the true moments.
    expect(e.mean).toBeCloseTo(5, 0);
    expect(e.std).toBeGreaterThan(1.4);
    expect(e.std).toBeLessThan(2.8);
  });
  it('converts half-lives and spans to weights', () => {
    expect(alphaForInterval(10, 10)).toBeCloseTo(0.5, 12);
    expect(alphaForInterval(0, 10)).toBe(0);
    expect(alphaForSpan(19)).toBeCloseTo(0.1, 12);
  });
});
