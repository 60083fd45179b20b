/**
 * Expands a RecurrenceRule into occurrence starts, in wall-clock local ms, following
 * RFC 5545 §3.3.10: each FREQ period (day, week, month, year — every INTERVAL-th from
 * DTSTART's) is expanded by BYMONTH / BYMONTHDAY / BYDAY / BYHOUR / BYMINUTE and limited by
 * the parts that only filter at that frequency; invalid dates (the 31st of a 30-day month,
 * 29 February in other years) are skipped, not moved. Fields a rule leaves out come from
 * DTSTART (its weekday, day of month, month, hour, minute).
 *
 * `startsFrom(local)` jumps straight to the period containing `local` (plain arithmetic on
 * the period index), so looking up a time far from DTSTART costs the same as one near it.
 * COUNT needs every occurrence from DTSTART: counted rules are expanded once up front.
 */
import type { RecurrenceRule, WeekdaySpec } from './rrule.ts';
import { DAY_MS, dayStart, daysInMonth, localMs, weekdayOf } from './zoned-time.ts';

const PERIODS_PER_YEAR = { DAILY: 366, WEEKLY: 53, MONTHLY: 12, YEARLY: 1 } as const;

export class Recurrence {
  /** Consecutive periods without an occurrence after which the rule is taken as exhausted. */
  private readonly emptyLimit: number;
  private readonly hours: readonly number[];
  private readonly minutes: readonly number[];
  private readonly second: number;
  private readonly counted: readonly number[] | undefined;
  private readonly start: { year: number; month: number; day: number; dayNo: number; weekStart: number };

  constructor(
    readonly rule: RecurrenceRule,
    /** DTSTART, wall-clock local ms. */
    readonly dtstart: number,
  ) {
    // Nine years covers the longest natural gap (29 February across a skipped leap year).
    this.emptyLimit = Math.max(100, 9 * PERIODS_PER_YEAR[rule.freq]);
    const d = new Date(dtstart);
    this.hours = rule.byHour ?? [d.getUTCHours()];
    this.minutes = rule.byMinute ?? [d.getUTCMinutes()];
    this.second = d.getUTCSeconds();
    const dayNo = Math.floor(dtstart / DAY_MS);
    this.start = {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      dayNo,
      weekStart: dayNo - ((weekdayOf(dtstart) - rule.wkst + 7) % 7),
    };
    this.counted = rule.count === undefined ? undefined : [...this.take(rule.count)];
  }

  /** Occurrence starts ≥ `from` (local ms), in order; ends with COUNT/UNTIL or when exhausted. */
  *startsFrom(from: number): Generator<number> {
    if (this.counted !== undefined) {
      let lo = 0;
      let hi = this.counted.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.counted[mid]! < from) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < this.counted.length; i++) yield this.counted[i]!;
      return;
    }
    yield* this.expand(Math.max(from, this.dtstart));
  }

  private *take(count: number): Generator<number> {
    let n = 0;
    for (const s of this.expand(this.dtstart)) {
      if (n++ >= count) return;
      yield s;
    }
  }

  private *expand(from: number): Generator<number> {
    let empty = 0;
    for (let p = Math.max(0, this.periodIndexOf(from)); empty < this.emptyLimit; p++) {
      const occurrences = this.period(p);
      if (occurrences.length === 0) {
        empty++;
        continue;
      }
      empty = 0;
      for (const s of occurrences) if (s >= from && s >= this.dtstart) yield s;
    }
  }

  /** Index (from DTSTART's period, in INTERVAL steps) of the period containing local ms `t`. */
  private periodIndexOf(t: number): number {
    const { rule, start } = this;
    const d = new Date(t);
    let units: number;
    if (rule.freq === 'DAILY') units = Math.floor(t / DAY_MS) - start.dayNo;
    else if (rule.freq === 'WEEKLY') units = Math.floor((Math.floor(t / DAY_MS) - start.weekStart) / 7);
    else if (rule.freq === 'MONTHLY')
      units = (d.getUTCFullYear() - start.year) * 12 + d.getUTCMonth() + 1 - start.month;
    else units = d.getUTCFullYear() - start.year;
    return Math.floor(units / rule.interval);
  }

  /** Sorted occurrence starts (local ms) of period `p`. */
  private period(p: number): number[] {
    const { rule, start } = this;
    const step = p * rule.interval;
    let days: number[];
    if (rule.freq === 'DAILY')
      days = this.filterDay((start.dayNo + step) * DAY_MS) ? [(start.dayNo + step) * DAY_MS] : [];
    else if (rule.freq === 'WEEKLY') days = this.weekDays((start.weekStart + 7 * step) * DAY_MS);
    else if (rule.freq === 'MONTHLY') {
      const m = start.month - 1 + step;
      days = this.monthDays(start.year + Math.floor(m / 12), (m % 12) + 1, rule.byMonth !== undefined);
    } else days = this.yearDays(start.year + step);
    const out: number[] = [];
    for (const day of days)
      for (const h of this.hours)
        for (const mi of this.minutes) out.push(day + ((h * 60 + mi) * 60 + this.second) * 1000);
    return out.sort((a, b) => a - b);
  }

  /** DAILY: BYMONTH, BYMONTHDAY and BYDAY only filter. */
  private filterDay(day: number): boolean {
    const { byMonth, byMonthDay, byDay } = this.rule;
    const d = new Date(day);
    if (byMonth !== undefined && !byMonth.includes(d.getUTCMonth() + 1)) return false;
    if (byMonthDay !== undefined && !matchesMonthDay(day, byMonthDay)) return false;
    if (byDay !== undefined && !byDay.some((w) => w.day === weekdayOf(day))) return false;
    return true;
  }

  private weekDays(weekStart: number): number[] {
    const { byMonth, byDay, wkst } = this.rule;
    const wanted = byDay?.map((w) => w.day) ?? [weekdayOf(this.dtstart)];
    const out: number[] = [];
    for (let i = 0; i < 7; i++) {
      const day = weekStart + i * DAY_MS;
      if (!wanted.includes((wkst + i) % 7)) continue;
      if (byMonth !== undefined && !byMonth.includes(new Date(day).getUTCMonth() + 1)) continue;
      out.push(day);
    }
    return out;
  }

  /** Days of one month (MONTHLY, or YEARLY with BYMONTH); `monthListed`: BYMONTH already applied. */
  private monthDays(year: number, month: number, filterMonth: boolean): number[] {
    const { byMonth, byMonthDay, byDay } = this.rule;
    if (filterMonth && !byMonth!.includes(month)) return [];
    const dim = daysInMonth(year, month);
    const first = localMs(year, month, 1);
    if (byMonthDay !== undefined) {
      const days = byMonthDay
        .map((n) => (n > 0 ? n : dim + n + 1))
        .filter((n) => n >= 1 && n <= dim)
        .map((n) => first + (n - 1) * DAY_MS);
      return byDay === undefined
        ? days
        : days.filter((day) => byDay.some((w) => matchesWeekday(day, w, first, dim)));
    }
    if (byDay !== undefined) return expandWeekdays(byDay, first, dim);
    return this.start.day <= dim ? [first + (this.start.day - 1) * DAY_MS] : [];
  }

  private yearDays(year: number): number[] {
    const { byMonth, byMonthDay, byDay } = this.rule;
    if (byMonth !== undefined) return byMonth.flatMap((m) => this.monthDays(year, m, false));
    if (byMonthDay !== undefined) {
      const all: number[] = [];
      for (let m = 1; m <= 12; m++) all.push(...this.monthDays(year, m, false));
      return all;
    }
    if (byDay !== undefined) {
      const first = localMs(year, 1, 1);
      return expandWeekdays(byDay, first, (localMs(year + 1, 1, 1) - first) / DAY_MS);
    }
    const { month, day } = this.start;
    return day <= daysInMonth(year, month) ? [localMs(year, month, day)] : [];
  }
}

function matchesMonthDay(day: number, byMonthDay: readonly number[]): boolean {
  const d = new Date(day);
  const dim = daysInMonth(d.getUTCFullYear(), d.getUTCMonth() + 1);
  const n = d.getUTCDate();
  return byMonthDay.some((k) => (k > 0 ? k === n : dim + k + 1 === n));
}

/** Is `day` the weekday `w` (and, with an ordinal, the n-th of it in [first, first + len days))? */
function matchesWeekday(day: number, w: WeekdaySpec, first: number, len: number): boolean {
  if (weekdayOf(day) !== w.day) return false;
  if (w.ordinal === 0) return true;
  const index = (day - first) / DAY_MS;
  return w.ordinal > 0
    ? Math.floor(index / 7) + 1 === w.ordinal
    : Math.floor((len - 1 - index) / 7) + 1 === -w.ordinal;
}

/** Days in [first, first + len days) matching any of `specs`, in order. */
function expandWeekdays(specs: readonly WeekdaySpec[], first: number, len: number): number[] {
  const out = new Set<number>();
  const firstWeekday = weekdayOf(first);
  for (const w of specs) {
    const offset = (w.day - firstWeekday + 7) % 7;
    const all: number[] = [];
    for (let i = offset; i < len; i += 7) all.push(dayStart(first + i * DAY_MS));
    if (w.ordinal === 0) all.forEach((d) => out.add(d));
    else {
      const pick = w.ordinal > 0 ? all[w.ordinal - 1] : all[all.length + w.ordinal];
      if (pick !== undefined) out.add(pick);
    }
  }
  return [...out].sort((a, b) => a - b);
}
