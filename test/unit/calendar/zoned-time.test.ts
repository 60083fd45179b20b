import { describe, expect, it } from 'vitest';
import { TimeZone, daysInMonth, localMs, weekdayOf } from '../../../shared/calendar/zoned-time.ts';

const utc = (iso: string): number => Date.parse(iso);
const local = (iso: string): number => Date.parse(`${iso}Z`);

describe('TimeZone', () => {
  const paris = TimeZone.of('Europe/Paris');
  const ny = TimeZone.of('America/New_York');

  it('knows the offsets either side of a DST change', () => {
    expect(paris.offsetAt(utc('2026-03-29T00:59:59Z'))).toBe(3_600_000);
    expect(paris.offsetAt(utc('2026-03-29T01:00:00Z'))).toBe(7_200_000);
    expect(ny.offsetAt(utc('2026-11-01T05:59:59Z'))).toBe(-4 * 3_600_000);
    expect(ny.offsetAt(utc('2026-11-01T06:00:00Z'))).toBe(-5 * 3_600_000);
    expect(TimeZone.of('Asia/Kolkata').offsetAt(utc('2026-06-01T00:00:00Z'))).toBe(5.5 * 3_600_000);
  });

  it('resolves ordinary local times both ways', () => {
    expect(paris.instantOf(local('2026-07-14T12:00:00'))).toBe(utc('2026-07-14T10:00:00Z'));
    expect(paris.localOf(utc('2026-01-10T23:30:00Z'))).toBe(local('2026-01-11T00:30:00'));
    expect(ny.instantOf(local('2026-01-10T09:00:00'))).toBe(utc('2026-01-10T14:00:00Z'));
  });

  it('maps a time in the spring-forward gap with the offset before the change (RFC 5545)', () => {
    // 02:30 does not exist in Paris on 29 March 2026: it is 03:30 CEST.
    expect(paris.instantOf(local('2026-03-29T02:30:00'))).toBe(utc('2026-03-29T01:30:00Z'));
    // 02:30 does not exist in New York on 8 March 2026: it is 03:30 EDT.
    expect(ny.instantOf(local('2026-03-08T02:30:00'))).toBe(utc('2026-03-08T07:30:00Z'));
  });

  it('maps a repeated fall-back time to its first occurrence (RFC 5545)', () => {
    // 02:30 happens twice in Paris on 25 October 2026; the first is CEST (UTC+2).
    expect(paris.instantOf(local('2026-10-25T02:30:00'))).toBe(utc('2026-10-25T00:30:00Z'));
    // 01:30 happens twice in New York on 1 November 2026; the first is EDT (UTC-4).
    expect(ny.instantOf(local('2026-11-01T01:30:00'))).toBe(utc('2026-11-01T05:30:00Z'));
  });

  it('handles half-hour DST (Lord Howe Island)', () => {
    const lh = TimeZone.of('Australia/Lord_Howe');
    // DST starts 4 October 2026 at 02:00 local (+10:30 → +11:00): 02:15 does not exist.
    expect(lh.instantOf(local('2026-10-04T02:15:00'))).toBe(local('2026-10-04T02:15:00') - 10.5 * 3_600_000);
    expect(lh.offsetAt(utc('2026-12-01T00:00:00Z'))).toBe(11 * 3_600_000);
  });

  it('rejects unknown zones', () => {
    expect(TimeZone.isValid('Europe/Pariss')).toBe(false);
    expect(TimeZone.isValid('UTC')).toBe(true);
  });
});

describe('local date helpers', () => {
  it('counts days in months, leap years included', () => {
    expect(daysInMonth(2026, 2)).toBe(28);
    expect(daysInMonth(2028, 2)).toBe(29);
    expect(daysInMonth(2100, 2)).toBe(28);
    expect(daysInMonth(2000, 2)).toBe(29);
    expect(daysInMonth(2026, 4)).toBe(30);
    expect(daysInMonth(2026, 12)).toBe(31);
  });

  it('numbers weekdays from Monday', () => {
    expect(weekdayOf(localMs(2026, 3, 2))).toBe(0);
    expect(weekdayOf(localMs(2026, 3, 1))).toBe(6);
  });
});
