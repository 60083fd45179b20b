/**
 * Time arithmetic for the activity models: local hours in fixed UTC offsets, weekdays,
 * the public holiday, and the office-hours curve. All pure and allocation-free, since
 * actors call them for every candidate event.
 */
export const SECOND = 1000;
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** Local hour of day in [0, 24) at a fixed UTC offset. */
export function localHour(ts: number, utcOffsetH: number): number {
  const h = ((ts + utcOffsetH * HOUR) % DAY) / HOUR;
  return h < 0 ? h + 24 : h;
}

/** Local day number since the epoch. */
export function localDay(ts: number, utcOffsetH: number): number {
  return Math.floor((ts + utcOffsetH * HOUR) / DAY);
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** Epoch ms of local midnight of `day` at the offset. */
export function localMidnight(day: number, utcOffsetH: number): number {
  return day * DAY - utcOffsetH * HOUR;
}

export class Calendar {
  private readonly holidays: ReadonlySet<number>;
  constructor(holidayDays: readonly number[]) {
    this.holidays = new Set(holidayDays);
  }

  /** A working day: not a weekend, not the public holiday. */
  isWorkday(day: number): boolean {
    const wd = weekday(day);
    return wd !== 0 && wd !== 6 && !this.holidays.has(day);
  }

  /**
   * Relative activity of an office worker in [0, 1]: ramps up over the first hour, dips
   * at lunch, tails off into the evening; a trickle at night and on days off.
   */
  office(ts: number, utcOffsetH: number, startH: number, endH: number): number {
    const day = localDay(ts, utcOffsetH);
    const h = localHour(ts, utcOffsetH);
    const off = !this.isWorkday(day);
    let a: number;
    if (h < startH - 1 || h > endH + 3) a = 0.015;
    else if (h < startH) a = 0.1 + 0.4 * (h - startH + 1);
    else if (h < startH + 1) a = 0.5 + 0.5 * (h - startH);
    else if (h > endH) a = 0.25 * (1 - (h - endH) / 3) + 0.015;
    else a = Math.abs(h - (startH + endH) / 2) < 0.5 ? 0.6 : 1;
    return off ? a * 0.06 : a;
  }

  /**
   * Demand on an always-on service in [0.25, 1]: follows the tenant's business day
   * (agents, inference traffic), lower at night and at weekends.
   */
  demand(ts: number, utcOffsetH: number): number {
    const h = localHour(ts, utcOffsetH);
    const day = localDay(ts, utcOffsetH);
    const curve = 0.62 - 0.38 * Math.cos(((h - 3) / 24) * 2 * Math.PI);
    return this.isWorkday(day) ? curve : 0.25 + 0.35 * curve;
  }
}

/** The public holiday: the first Friday at least three days after the start (so a week shows it). */
export function holidayDay(startMs: number): number {
  let day = Math.floor(startMs / DAY) + 3;
  while (weekday(day) !== 5) day++;
  return day;
}

export function dayString(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}
