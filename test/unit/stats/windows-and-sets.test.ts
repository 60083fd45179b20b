import { describe, expect, it } from 'vitest';
import { DecayedTopK } from '../../../shared/stats/decayed-top-k.ts';
import { FirstSeenSet } from '../../../shared/stats/first-seen-set.ts';
import { SeasonalProfile } from '../../../shared/stats/seasonal-profile.ts';
import { WindowedCounter } from '../../../shared/stats/windowed-counter.ts';
import { gaussians, rng } from './helpers.ts';

const HOUR = 3_600_000;

describe('SeasonalProfile', () => {
  it('learns an hour-of-day curve and interpolates between bin centres', () => {
    const p = SeasonalProfile.hourOfDay(0.2);
    const noise = gaussians(24 * 60, 12, 0, 0.1);
    for (let i = 0; i < 24 * 60; i++) {
      const t = i * HOUR + HOUR / 2; // bin centres
      p.update(t, 10 * Math.sin((2 * Math.PI * (i % 24)) / 24) + (noise[i] as number));
    }
    expect(p.minCount()).toBe(60);
    expect(p.expected(6 * HOUR + HOUR / 2)).toBeCloseTo(10, 0);
    // Between 06:30 and 07:30 the profile interpolates linearly.
    const mid = p.expected(7 * HOUR);
    expect(mid).toBeCloseTo((p.expected(6.5 * HOUR) + p.expected(7.5 * HOUR)) / 2, 6);
  });
  it('puts Monday 00:00 UTC in bin 0 of the hour-of-week profile', () => {
    const p = SeasonalProfile.hourOfWeek();
    expect(p.binOf(Date.UTC(2024, 0, 1, 0, 30))).toBe(0); // 2024-01-01 was a Monday
    expect(p.binOf(Date.UTC(2024, 0, 7, 23, 30))).toBe(167);
    expect(Number.isNaN(p.expected(0))).toBe(true); // nothing learned yet
  });
});

describe('WindowedCounter', () => {
  it('matches a brute-force count and sum over the window', () => {
    const w = new WindowedCounter(1000, 60);
    const u = rng(13);
    const events: [number, number][] = [];
    let t = 0;
    for (let i = 0; i < 3000; i++) {
      t += Math.floor(u() * 400) + (u() < 0.01 ? 90_000 : 0); // occasional long gaps
      const amount = Math.round(u() * 100);
      w.add(t, amount);
      events.push([t, amount]);
      const head = Math.floor(t / 1000);
      const inWin = events.filter(([s]) => Math.floor(s / 1000) > head - 60);
      expect(w.count).toBe(inWin.length);
      expect(w.sum).toBe(inWin.reduce((a, [, v]) => a + v, 0));
    }
    expect(w.ratePerSecond).toBeCloseTo(w.count / 60, 12);
  });
  it('drops events older than the window', () => {
    const w = new WindowedCounter(1000, 10);
    w.add(100_000);
    expect(w.add(50_000)).toBe(false);
    expect(w.add(95_000)).toBe(true);
    expect(w.count).toBe(2);
  });
});

describe('DecayedTopK', () => {
  it('finds the heavy hitters of a skewed stream within its capacity', () => {
    const k = new DecayedTopK(20, 1e12);
    const u = rng(14);
    for (let i = 0; i < 20_000; i++) {
      const key = u() < 0.5 ? `hot${Math.floor(u() * 3)}` : `cold${Math.floor(u() * 5000)}`;
      k.observe(key, i);
    }
    expect(k.size).toBe(20);
    const top = k.top(3, 20_000).map((e) => e.key);
    expect(top.sort()).toEqual(['hot0', 'hot1', 'hot2']);
    for (const e of k.top(3, 20_000)) expect(e.count - e.error).toBeLessThanOrEqual(3400);
  });
  it('halves counts every half-life', () => {
    const k = new DecayedTopK(5, 1000);
    for (let i = 0; i < 8; i++) k.observe('a', 0);
    expect(k.estimate('a', 0)).toBeCloseTo(8, 9);
    expect(k.estimate('a', 1000)).toBeCloseTo(4, 9);
    expect(k.estimate('a', 3000)).toBeCloseTo(1, 9);
    // Far in the future the landmark moves and counts stay finite.
    k.observe('a', 100_000);
    expect(k.estimate('a', 100_000)).toBeCloseTo(1, 6);
  });
});

describe('FirstSeenSet', () => {
  it('reports new keys, forgets after the ttl and beyond capacity', () => {
    const f = new FirstSeenSet(2, 1000);
    expect(f.observe('a', 0)).toBe(true);
    expect(f.observe('a', 500)).toBe(false);
    expect(f.observe('a', 2000)).toBe(true); // unseen for > ttl
    f.observe('b', 2001);
    f.observe('c', 2002); // evicts the stalest, 'a'
    expect(f.size).toBe(2);
    expect(f.has('a', 2002)).toBe(false);
    expect(f.observe('b', 2003)).toBe(false);
  });
});
