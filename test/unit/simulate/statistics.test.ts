import { describe, expect, it } from 'vitest';
import { DAY, HOUR, localDay, localHour, weekday } from '../../../shared/simulate/calendar.ts';
import { simulate } from '../../../shared/simulate/simulate.ts';

// Two weeks of the small world from Monday 2026-03-02, no scenarios: the baseline's texture.
const sim = simulate({ seed: 4, days: 14, size: 'small', scenarios: 'none' });
const w = sim.world;
const users = new Map(w.principals.filter((p) => p.type === 'user').map((p) => [p.id, p]));
const heavy = w.principals.find((p) => p.schedule === 'nightly' && p.readBytesMedian > 1e8);
const fast = w.sites.flatMap((s) => s.zones.flatMap((z) => z.devices)).find((d) => d.intervalMs === 30_000);
const slow = w.sites.flatMap((s) => s.zones.flatMap((z) => z.devices)).find((d) => d.intervalMs === 300_000);
const holiday = Math.floor(Date.parse(w.holidays[0] ?? '') / DAY);

const byLocalHour = new Array<number>(24).fill(0);
const userEventsByDay = new Map<number, number>();
const heavyBytesByHour = new Array<number>(24).fill(0);
const heavyBytesByDay = new Map<number, number>();
const gaps: Record<string, number[]> = { fast: [], slow: [] };
const lastSeen: Record<string, number> = {};

for (const e of sim.events) {
  if (e.type !== 'facility') {
    const u = users.get(e.principal);
    if (u !== undefined) {
      byLocalHour[Math.floor(localHour(e.ts, u.utcOffsetH))]! += 1;
      const d = localDay(e.ts, u.utcOffsetH);
      userEventsByDay.set(d, (userEventsByDay.get(d) ?? 0) + 1);
    }
    if (heavy !== undefined && e.type === 'access' && e.principal === heavy.id) {
      heavyBytesByHour[Math.floor(localHour(e.ts, heavy.utcOffsetH))]! += e.bytes ?? 0;
      const d = localDay(e.ts, heavy.utcOffsetH);
      heavyBytesByDay.set(d, (heavyBytesByDay.get(d) ?? 0) + (e.bytes ?? 0));
    }
  } else if (e.kind !== 'badge') {
    const key = e.device_id === fast?.id ? 'fast' : e.device_id === slow?.id ? 'slow' : '';
    if (key !== '') {
      if (lastSeen[key] !== undefined) gaps[key]!.push(e.ts - lastSeen[key]!);
      lastSeen[key] = e.ts;
    }
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

describe('baseline texture', () => {
  it('has a daily cycle: office hours far busier than the night', () => {
    const day = mean(byLocalHour.slice(10, 16));
    const night = mean(byLocalHour.slice(1, 5));
    expect(day).toBeGreaterThan(10 * night);
    expect(night).toBeGreaterThan(0); // a trickle of late work, not silence
  });

  it('dips at weekends and on the public holiday', () => {
    const days = [...userEventsByDay.entries()].filter(
      ([d]) => d * DAY >= sim.startMs && (d + 1) * DAY <= sim.endMs,
    );
    const workdays = days
      .filter(([d]) => weekday(d) >= 1 && weekday(d) <= 5 && d !== holiday)
      .map(([, n]) => n);
    const weekends = days.filter(([d]) => weekday(d) === 0 || weekday(d) === 6).map(([, n]) => n);
    expect(weekends.length).toBeGreaterThanOrEqual(3);
    expect(mean(weekends)).toBeLessThan(0.3 * mean(workdays));
    expect(weekday(holiday)).toBe(5);
    expect(userEventsByDay.get(holiday) ?? 0).toBeLessThan(0.3 * mean(workdays));
  });

  it("concentrates the heavy service account's gigabytes in its nightly run", () => {
    expect(heavy).toBeDefined();
    const total = heavyBytesByHour.reduce((a, b) => a + b, 0);
    const run = heavy?.runHourLocal ?? 0;
    const inRun =
      (heavyBytesByHour[run] ?? 0) +
      (heavyBytesByHour[(run + 1) % 24] ?? 0) +
      (heavyBytesByHour[(run + 2) % 24] ?? 0);
    expect(inRun / total).toBeGreaterThan(0.99);
    const nightly = [...heavyBytesByDay.values()];
    expect(nightly.length).toBeGreaterThanOrEqual(13);
    expect(median(nightly)).toBeGreaterThan(1e9);
  });

  it('reports devices every 30 s and every 5 min, with small jitter', () => {
    expect(fast).toBeDefined();
    expect(slow).toBeDefined();
    expect(median(gaps['fast']!)).toBeGreaterThan(29_000);
    expect(median(gaps['fast']!)).toBeLessThan(31_000);
    expect(Math.max(...gaps['fast']!)).toBeLessThan(32_000);
    expect(median(gaps['slow']!)).toBeGreaterThan(298_000);
    expect(median(gaps['slow']!)).toBeLessThan(302_000);
    expect(gaps['fast']!.length).toBeGreaterThan(14 * 2800);
  });

  it('keeps long tails in latency and bytes', () => {
    const lat: number[] = [];
    for (const e of simulate({ seed: 4, days: 1, scenarios: 'none' }).events) {
      if (e.type === 'inference' && e.model_id.endsWith('-llm')) lat.push(e.latency_ms);
    }
    const sorted = lat.sort((a, b) => a - b);
    const p50 = sorted[Math.floor(sorted.length / 2)] ?? 0;
    const p99 = sorted[Math.floor(sorted.length * 0.99)] ?? 0;
    expect(p99 / p50).toBeGreaterThan(4);
    expect(HOUR).toBe(3_600_000);
  });
});
