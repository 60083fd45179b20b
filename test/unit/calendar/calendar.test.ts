/**
 * Calendar arithmetic: recurring windows across DST changes (Europe/Paris, America/New_York),
 * month ends, leap years, counts and bounds, and the cached isActive against a brute-force
 * answer on random instants.
 */
import { describe, expect, it } from 'vitest';
import type { Calendar } from '../../../shared/calendar/calendar.ts';
import { compileCalendars, type CalendarConfig } from '../../../shared/calendar/config.ts';
import { calendarsSchema } from '../../../shared/calendar/config.ts';

const utc = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

function calendar(timezone: string, ...windows: CalendarConfig['windows']): Calendar {
  const { calendars, problems } = compileCalendars({ c: { timezone, windows } });
  expect(problems).toEqual([]);
  return calendars.get('c')!;
}

function windows(c: Calendar, from: string, to: string): string[] {
  return c.windowsBetween(utc(from), utc(to)).map((w) => `${iso(w.start)}/${iso(w.end)}`);
}

describe('recurring windows across DST', () => {
  it('last Sunday of the month 02:00–06:00 Europe/Paris: 3 h in March, 5 h in October', () => {
    const c = calendar('Europe/Paris', { rrule: 'FREQ=MONTHLY;BYDAY=-1SU', start: '02:00', end: '06:00' });
    expect(windows(c, '2026-01-01T00:00:00Z', '2026-04-01T00:00:00Z')).toEqual([
      '2026-01-25T01:00:00Z/2026-01-25T05:00:00Z',
      '2026-02-22T01:00:00Z/2026-02-22T05:00:00Z',
      // 02:00 does not exist on 29 March: the window opens at 03:00 CEST and closes at 06:00 CEST.
      '2026-03-29T01:00:00Z/2026-03-29T04:00:00Z',
    ]);
    // 02:00 happens twice on 25 October: the first one (CEST) opens, 06:00 CET closes.
    expect(windows(c, '2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z')).toEqual([
      '2026-10-25T00:00:00Z/2026-10-25T05:00:00Z',
    ]);
    expect(c.isActive(utc('2026-10-25T04:59:59Z'))).toBe(true);
    expect(c.isActive(utc('2026-10-25T05:00:00Z'))).toBe(false);
  });

  it('first Sunday of the month 01:00–03:00 America/New_York spans the November fall-back', () => {
    const c = calendar('America/New_York', { rrule: 'FREQ=MONTHLY;BYDAY=1SU', start: '01:00', end: '03:00' });
    expect(windows(c, '2026-10-01T00:00:00Z', '2026-12-01T00:00:00Z')).toEqual([
      '2026-10-04T05:00:00Z/2026-10-04T07:00:00Z',
      // 01:00 EDT (first occurrence) to 03:00 EST: three hours elapsed.
      '2026-11-01T05:00:00Z/2026-11-01T08:00:00Z',
    ]);
    expect(windows(c, '2026-03-01T00:00:00Z', '2026-03-02T00:00:00Z')).toEqual([
      '2026-03-01T06:00:00Z/2026-03-01T08:00:00Z',
    ]);
  });

  it('business hours Monday–Friday 09:00–17:00 New York keep local time over the March change', () => {
    const c = calendar('America/New_York', {
      rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
      start: '09:00',
      end: '17:00',
    });
    expect(windows(c, '2026-03-06T00:00:00Z', '2026-03-10T00:00:00Z')).toEqual([
      '2026-03-06T14:00:00Z/2026-03-06T22:00:00Z',
      '2026-03-09T13:00:00Z/2026-03-09T21:00:00Z',
    ]);
    expect(c.isActive(utc('2026-03-07T15:00:00Z'))).toBe(false); // Saturday
    expect(c.isActive(utc('2026-03-09T13:00:00Z'))).toBe(true);
  });

  it('a daily start inside the spring-forward gap moves to after it; durations are elapsed time', () => {
    const c = calendar('America/New_York', { rrule: 'FREQ=DAILY', start: '02:30', duration_minutes: 60 });
    expect(windows(c, '2026-03-07T00:00:00Z', '2026-03-09T00:00:00Z')).toEqual([
      '2026-03-07T07:30:00Z/2026-03-07T08:30:00Z',
      '2026-03-08T07:30:00Z/2026-03-08T08:30:00Z',
    ]);
  });

  it('windows over midnight end the next day', () => {
    const c = calendar('Europe/Paris', { rrule: 'FREQ=WEEKLY;BYDAY=SA', start: '22:00', end: '02:00' });
    expect(windows(c, '2026-07-04T00:00:00Z', '2026-07-06T00:00:00Z')).toEqual([
      '2026-07-04T20:00:00Z/2026-07-05T00:00:00Z',
    ]);
    expect(c.isActive(utc('2026-07-04T23:59:00Z'))).toBe(true);
  });
});

describe('month ends and leap years', () => {
  const days = (c: Calendar, from: string, to: string): string[] =>
    c.windowsBetween(utc(from), utc(to)).map((w) => iso(w.start).slice(0, 10));

  it('BYMONTHDAY=31 skips shorter months', () => {
    const c = calendar('UTC', { rrule: 'FREQ=MONTHLY;BYMONTHDAY=31', start: '00:00', end: '01:00' });
    expect(days(c, '2026-01-01T00:00:00Z', '2026-12-31T23:00:00Z')).toEqual([
      '2026-01-31',
      '2026-03-31',
      '2026-05-31',
      '2026-07-31',
      '2026-08-31',
      '2026-10-31',
      '2026-12-31',
    ]);
  });

  it('BYMONTHDAY=-1 is the last day, 29 February in leap years', () => {
    const c = calendar('Europe/Paris', { rrule: 'FREQ=MONTHLY;BYMONTHDAY=-1', start: '23:00', end: '23:30' });
    expect(days(c, '2027-12-15T00:00:00Z', '2028-05-01T00:00:00Z')).toEqual([
      '2027-12-31',
      '2028-01-31',
      '2028-02-29',
      '2028-03-31',
      '2028-04-30',
    ]);
    expect(days(c, '2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z')).toEqual(['2026-02-28']);
  });

  it('a monthly rule from the 31st skips months without one; yearly 29 February waits for leap years', () => {
    const m = calendar('UTC', { rrule: 'FREQ=MONTHLY', dtstart: '2026-01-31T08:00', duration_minutes: 30 });
    expect(days(m, '2026-01-01T00:00:00Z', '2026-06-01T00:00:00Z')).toEqual([
      '2026-01-31',
      '2026-03-31',
      '2026-05-31',
    ]);
    const y = calendar('UTC', { rrule: 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29', start: '00:00', end: '12:00' });
    expect(days(y, '2026-01-01T00:00:00Z', '2033-01-01T00:00:00Z')).toEqual(['2028-02-29', '2032-02-29']);
    expect(y.isActive(utc('2029-02-28T06:00:00Z'))).toBe(false);
    expect(y.isActive(utc('2032-02-29T06:00:00Z'))).toBe(true);
  });

  it('yearly with BYMONTH and an ordinal weekday (fourth Thursday of November)', () => {
    const c = calendar('America/New_York', {
      rrule: 'FREQ=YEARLY;BYMONTH=11;BYDAY=4TH',
      start: '00:00',
      end: '00:00',
    });
    expect(days(c, '2026-01-01T00:00:00Z', '2028-01-01T00:00:00Z')).toEqual(['2026-11-26', '2027-11-25']);
  });
});

describe('INTERVAL, COUNT, UNTIL and one-off windows', () => {
  const starts = (c: Calendar, from: string, to: string): string[] =>
    c.windowsBetween(utc(from), utc(to)).map((w) => iso(w.start));

  it('every other week from dtstart', () => {
    const c = calendar('UTC', {
      rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU',
      dtstart: '2026-01-06T10:00',
      duration_minutes: 60,
    });
    expect(starts(c, '2026-01-01T00:00:00Z', '2026-02-10T00:00:00Z')).toEqual([
      '2026-01-06T10:00:00Z',
      '2026-01-20T10:00:00Z',
      '2026-02-03T10:00:00Z',
    ]);
    // Far from dtstart costs the same and keeps the phase.
    expect(starts(c, '2030-01-01T00:00:00Z', '2030-01-20T00:00:00Z')).toEqual([
      '2030-01-01T10:00:00Z', // 208 weeks after dtstart
      '2030-01-15T10:00:00Z',
    ]);
  });

  it('COUNT stops after that many, UNTIL after that date (inclusive)', () => {
    const counted = calendar('UTC', {
      rrule: 'FREQ=DAILY;COUNT=3',
      dtstart: '2026-05-01T09:00',
      duration_minutes: 10,
    });
    expect(starts(counted, '2026-04-01T00:00:00Z', '2026-06-01T00:00:00Z')).toHaveLength(3);
    const until = calendar('Europe/Paris', {
      rrule: 'FREQ=DAILY;UNTIL=20260503',
      start: '09:00',
      end: '10:00',
    });
    expect(starts(until, '2026-05-01T00:00:00Z', '2026-06-01T00:00:00Z')).toEqual([
      '2026-05-01T07:00:00Z',
      '2026-05-02T07:00:00Z',
      '2026-05-03T07:00:00Z',
    ]);
    const untilUtc = calendar('UTC', {
      rrule: 'DTSTART:20260501T090000\nRRULE:FREQ=DAILY;UNTIL=20260502T090000Z',
      duration_minutes: 10,
    });
    expect(starts(untilUtc, '2026-04-01T00:00:00Z', '2026-06-01T00:00:00Z')).toEqual([
      '2026-05-01T09:00:00Z',
      '2026-05-02T09:00:00Z',
    ]);
  });

  it('one-off windows: local times, offsets, and whole days', () => {
    const c = calendar(
      'Europe/Paris',
      { from: '2026-03-10T22:00', to: '2026-03-11T02:00' },
      { from: '2026-04-01', to: '2026-04-02' },
      { from: '2026-05-01T00:00:00Z', to: '2026-05-01T01:00:00Z' },
    );
    expect(c.isActive(utc('2026-03-10T21:00:00Z'))).toBe(true);
    expect(c.isActive(utc('2026-03-11T01:00:00Z'))).toBe(false);
    expect(c.isActive(utc('2026-04-02T21:00:00Z'))).toBe(true); // 23:00 local on the 2nd
    expect(c.isActive(utc('2026-04-02T22:00:00Z'))).toBe(false);
    expect(c.isActive(utc('2026-05-01T00:30:00Z'))).toBe(true);
  });
});

describe('isActive (cached) equals a brute-force answer', () => {
  it('on random instants, in order and shuffled, across two years of Paris DST', () => {
    const spec = [
      { rrule: 'FREQ=MONTHLY;BYDAY=1SU,-1SU', start: '02:00', end: '06:00' },
      { rrule: 'FREQ=WEEKLY;BYDAY=MO,WE', start: '22:30', end: '01:15' },
    ];
    const c = calendar('Europe/Paris', ...spec);
    const reference = c.windowsBetween(utc('2025-12-01T00:00:00Z'), utc('2028-02-01T00:00:00Z'), 10_000);
    const brute = (ts: number): boolean => reference.some((w) => ts >= w.start && ts < w.end);
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const from = utc('2026-01-01T00:00:00Z');
    const span = 2 * 365 * 86_400_000;
    const sorted = Array.from({ length: 5_000 }, () => from + Math.floor(random() * span)).sort(
      (a, b) => a - b,
    );
    for (const ts of sorted) expect(c.isActive(ts), iso(ts)).toBe(brute(ts));
    const shuffled = sorted.map((ts) => ts + Math.floor(random() * 86_400_000)).reverse();
    for (const ts of shuffled) expect(c.isActive(ts), iso(ts)).toBe(brute(ts));
  });
});

describe('validation', () => {
  it('lists every problem with its path', () => {
    const result = calendarsSchema.safeParse({
      ok: { timezone: 'Europe/Paris', windows: [{ rrule: 'FREQ=DAILY', start: '01:00', end: '02:00' }] },
      'bad zone': { timezone: 'Mars/Olympus', windows: [{ rrule: 'FREQ=DAILY', end: '02:00' }] },
      rules: {
        timezone: 'UTC',
        windows: [
          { rrule: 'FREQ=HOURLY;BYSETPOS=1', end: '02:00' },
          { rrule: 'FREQ=WEEKLY;BYDAY=1MO', end: '02:00' },
          { rrule: 'FREQ=MONTHLY;INTERVAL=2;BYDAY=SU', end: '02:00' },
          { rrule: 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30', end: '02:00' },
          { rrule: 'FREQ=DAILY', start: '25:00', end: '02:00', duration_minutes: 5 },
          { from: '2026-01-02', to: '2026-01-01' },
          { to: '2026-01-01' },
        ],
      },
    });
    expect(result.success).toBe(false);
    const messages = result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toEqual([
      expect.stringMatching(/^bad zone: calendar names/),
      expect.stringMatching(/^bad zone\.timezone: unknown time zone "Mars\/Olympus"/),
      'rules.windows.0.rrule: FREQ=HOURLY is not supported (DAILY, WEEKLY, MONTHLY or YEARLY)',
      'rules.windows.0.rrule: BYSETPOS is not supported',
      'rules.windows.1.rrule: BYDAY ordinals (e.g. 1SU) need FREQ=MONTHLY or YEARLY, not WEEKLY',
      expect.stringMatching(/^rules\.windows\.2\.dtstart: this rule takes its phase/),
      'rules.windows.3.rrule: the rule never occurs',
      'rules.windows.4.start: expected HH:MM (24-hour)',
      'rules.windows.5.to: must be after from',
      'rules.windows.6: a window needs rrule (recurring) or both from and to (one-off)',
    ]);
  });
});
