/**
 * Wall-clock time in an IANA time zone, with Intl (Node ships full ICU) instead of a
 * time-zone library. "Local ms" are wall-clock fields encoded as if they were UTC
 * (`Date.UTC(y, m-1, d, h, mi, s)`), so calendar arithmetic on days and months is plain
 * UTC arithmetic and only the two conversions below know about offsets.
 *
 * Local times that do not exist (the spring-forward gap) or exist twice (fall-back) are
 * resolved as RFC 5545 §3.3.5 says: with the UTC offset in effect before the transition —
 * 02:30 on the Paris spring-forward night is 03:30 CEST, and on the fall-back night it is
 * the first 02:30 (CEST).
 */

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
const SLOT_MS = 6 * 3_600_000;
/** About 70 years of slots; beyond it the cache starts over. */
const MAX_SLOTS = 100_000;

/** Monday = 0 … Sunday = 6 (RFC 5545 weekdays MO…SU in that order). */
export function weekdayOf(localMs: number): number {
  return (new Date(localMs).getUTCDay() + 6) % 7;
}

export function localMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/** Days in `month` (1–12) of `year`, leap years included. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function dayStart(localMs: number): number {
  return Math.floor(localMs / DAY_MS) * DAY_MS;
}

const zones = new Map<string, TimeZone>();

export class TimeZone {
  private readonly format: Intl.DateTimeFormat;
  /**
   * Offsets by 6-hour slot of UTC, for slots whose two ends have the same offset (no
   * transition inside: zones never change twice within hours). formatToParts costs
   * microseconds; calendar lookups may convert many times, so each slot is asked once.
   */
  private readonly slots = new Map<number, number>();

  private constructor(readonly name: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** The zone named `name`; throws RangeError for a name ICU does not know. */
  static of(name: string): TimeZone {
    let zone = zones.get(name);
    if (zone === undefined) zones.set(name, (zone = new TimeZone(name)));
    return zone;
  }

  static isValid(name: string): boolean {
    try {
      TimeZone.of(name);
      return true;
    } catch {
      return false;
    }
  }

  /** Local minus UTC at instant `ts`, in ms (e.g. +3_600_000 for CET). */
  offsetAt(ts: number): number {
    const slot = Math.floor(ts / SLOT_MS);
    const cached = this.slots.get(slot);
    if (cached !== undefined) return cached;
    const first = this.rawOffset(slot * SLOT_MS);
    if (this.rawOffset(slot * SLOT_MS + SLOT_MS - 1000) !== first) return this.rawOffset(ts);
    if (this.slots.size >= MAX_SLOTS) this.slots.clear();
    this.slots.set(slot, first);
    return first;
  }

  private rawOffset(ts: number): number {
    const second = Math.floor(ts / 1000);
    const f: Record<string, number> = {};
    for (const p of this.format.formatToParts(second * 1000)) if (p.type !== 'literal') f[p.type] = +p.value;
    return Date.UTC(f.year!, f.month! - 1, f.day!, f.hour!, f.minute!, f.second!) - second * 1000;
  }

  /** Wall-clock time (local ms) at instant `ts`. */
  localOf(ts: number): number {
    return ts + this.offsetAt(ts);
  }

  /** The instant of wall-clock time `local` (RFC 5545 resolution of gaps and overlaps). */
  instantOf(local: number): number {
    // Assumes at most one transition within a day of `local`, true of every real zone.
    const before = this.offsetAt(local - DAY_MS);
    const after = this.offsetAt(local + DAY_MS);
    if (before === after) {
      const t = local - before;
      const actual = this.offsetAt(t);
      return actual === before ? t : local - actual;
    }
    const early = local - before;
    const late = local - after;
    const earlyValid = this.offsetAt(early) === before;
    const lateValid = this.offsetAt(late) === after;
    if (earlyValid && lateValid) return Math.min(early, late);
    if (earlyValid) return early;
    if (lateValid) return late;
    return early;
  }
}
