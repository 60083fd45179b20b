/**
 * The `calendars:` config section: its schema, and its compilation into Calendar objects.
 * Compiling is the validation — every RRULE is parsed, every zone looked up, every rule
 * checked to occur at least once — so the config loader reports all problems with their
 * paths at boot (and on reload), and nothing is parsed again on the event path.
 */
import { z } from 'zod';
import { Calendar, FixedWindows, RecurringWindows, type Window, type WindowSource } from './calendar.ts';
import { Recurrence } from './recurrence.ts';
import { parseRule } from './rrule.ts';
import { DAY_MS, TimeZone } from './zoned-time.ts';

const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/;
export const CALENDAR_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;

const windowSchema = z.strictObject({
  rrule: z
    .string()
    .min(1)
    .max(2000)
    .optional()
    .describe('RFC 5545 RRULE (subset), e.g. "FREQ=MONTHLY;BYDAY=1SU"; optionally a DTSTART line first.'),
  dtstart: z
    .string()
    .optional()
    .describe(
      'Local date or date-time the recurrence counts from (phase of INTERVAL, default weekday/day/month).',
    ),
  start: z.string().optional().describe('Local start time of day, HH:MM (default: the time of dtstart).'),
  end: z.string().optional().describe('Local end time of day, HH:MM; before start means the next day.'),
  duration_minutes: z.number().positive().max(527_040).optional().describe('Window length (elapsed).'),
  from: z.string().optional().describe('One-off window start: local date-time, or RFC 3339 with an offset.'),
  to: z
    .string()
    .optional()
    .describe('One-off window end (exclusive); a date alone means the end of that day.'),
});

export const calendarSchema = z.strictObject({
  timezone: z.string().default('UTC').describe('IANA time zone of the windows, e.g. Europe/Paris.'),
  description: z.string().max(1000).optional(),
  windows: z.array(windowSchema).min(1).max(1000),
});

export const calendarsSchema = z
  .record(z.string(), calendarSchema)
  .default({})
  .superRefine((calendars, ctx) => {
    for (const p of compileCalendars(calendars).problems) ctx.addIssue({ code: 'custom', ...p });
  });

export type CalendarConfig = z.infer<typeof calendarSchema>;
export type CalendarsConfig = Readonly<Record<string, CalendarConfig>>;
type WindowConfig = z.infer<typeof windowSchema>;

export interface Problem {
  path: Array<string | number>;
  message: string;
}

/** Local ms of "YYYY-MM-DD[THH:MM[:SS]]", with whether it had a time. */
function parseLocal(text: string): { ms: number; hasTime: boolean } | undefined {
  const m = LOCAL.exec(text);
  if (m === null) return undefined;
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as number[];
  const ms = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
  const back = new Date(ms);
  if (back.getUTCDate() !== d || back.getUTCMonth() !== mo! - 1 || h! > 23) return undefined;
  return { ms, hasTime: m[4] !== undefined };
}

/** A one-off bound: absolute when it carries Z or an offset, else local in `zone`. */
function parseBound(text: string, zone: TimeZone, isEnd: boolean): number | undefined {
  if (/(Z|[+-]\d{2}:\d{2})$/.test(text)) {
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? undefined : ms;
  }
  const local = parseLocal(text);
  if (local === undefined) return undefined;
  return zone.instantOf(local.hasTime || !isEnd ? local.ms : local.ms + DAY_MS);
}

function minuteOfDay(text: string): number | undefined {
  const m = TIME_OF_DAY.exec(text);
  return m === null ? undefined : Number(m[1]) * 60 + Number(m[2]);
}

function recurring(
  w: WindowConfig,
  zone: TimeZone,
  at: Problem['path'],
  problems: Problem[],
): WindowSource | undefined {
  const bad = (key: string, message: string): undefined =>
    void problems.push({ path: [...at, key], message });
  const parsed = parseRule(w.rrule!);
  if (!parsed.ok) {
    for (const e of parsed.errors) problems.push({ path: [...at, 'rrule'], message: e });
    return undefined;
  }
  const { rule } = parsed.value;
  if (parsed.value.tzid !== undefined && parsed.value.tzid !== zone.name)
    return bad(
      'rrule',
      `DTSTART TZID ${parsed.value.tzid} differs from the calendar's timezone ${zone.name}`,
    );
  if (w.from !== undefined || w.to !== undefined) return bad('from', 'a window has either rrule or from/to');
  const startMinute = w.start === undefined ? undefined : minuteOfDay(w.start);
  if (w.start !== undefined && startMinute === undefined) return bad('start', 'expected HH:MM (24-hour)');
  if ((w.end === undefined) === (w.duration_minutes === undefined))
    return bad('end', 'give exactly one of end (HH:MM) or duration_minutes');
  const endMinute = w.end === undefined ? undefined : minuteOfDay(w.end);
  if (w.end !== undefined && endMinute === undefined) return bad('end', 'expected HH:MM (24-hour)');
  if (endMinute !== undefined && (rule.byHour !== undefined || rule.byMinute !== undefined))
    return bad('rrule', 'BYHOUR/BYMINUTE need duration_minutes: with end, the time of day is start');

  let dtstart = parsed.value.dtstart;
  if (w.dtstart !== undefined) {
    if (dtstart !== undefined) return bad('dtstart', 'DTSTART is already in the rrule text');
    const local = parseLocal(w.dtstart);
    if (local === undefined) return bad('dtstart', 'expected a local YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]');
    if (local.hasTime && startMinute !== undefined) return bad('start', 'the time is already in dtstart');
    dtstart = local.ms;
  } else if (dtstart === undefined) {
    // Without DTSTART the rule must not depend on one (phase, default weekday/day/month).
    const needs =
      rule.interval > 1 ||
      (rule.freq === 'WEEKLY' && rule.byDay === undefined) ||
      (rule.freq === 'MONTHLY' && rule.byDay === undefined && rule.byMonthDay === undefined) ||
      (rule.freq === 'YEARLY' && rule.byDay === undefined && rule.byMonthDay === undefined) ||
      rule.count !== undefined;
    if (needs)
      return bad('dtstart', 'this rule takes its phase, weekday, day or month from dtstart: give dtstart');
    dtstart = 0;
  }
  if (startMinute !== undefined) dtstart = Math.floor(dtstart / DAY_MS) * DAY_MS + startMinute * 60_000;
  const recurrence = new Recurrence(rule, dtstart);
  if (recurrence.startsFrom(dtstart).next().done === true) return bad('rrule', 'the rule never occurs');
  const end =
    endMinute !== undefined
      ? ({ kind: 'time', minuteOfDay: endMinute } as const)
      : ({ kind: 'duration', ms: w.duration_minutes! * 60_000 } as const);
  return new RecurringWindows(zone, recurrence, end, rule.until);
}

function fixed(
  w: WindowConfig,
  zone: TimeZone,
  at: Problem['path'],
  problems: Problem[],
): Window | undefined {
  for (const key of ['dtstart', 'start', 'end', 'duration_minutes'] as const)
    if (w[key] !== undefined)
      problems.push({ path: [...at, key], message: 'only recurring windows (rrule) take it' });
  if (w.from === undefined || w.to === undefined) {
    problems.push({ path: at, message: 'a window needs rrule (recurring) or both from and to (one-off)' });
    return undefined;
  }
  const start = parseBound(w.from, zone, false);
  const end = parseBound(w.to, zone, true);
  if (start === undefined)
    problems.push({ path: [...at, 'from'], message: 'expected YYYY-MM-DD[THH:MM[:SS]] or RFC 3339' });
  if (end === undefined)
    problems.push({ path: [...at, 'to'], message: 'expected YYYY-MM-DD[THH:MM[:SS]] or RFC 3339' });
  if (start === undefined || end === undefined) return undefined;
  if (end <= start) problems.push({ path: [...at, 'to'], message: 'must be after from' });
  return end > start ? { start, end } : undefined;
}

/** Compiles every calendar; `problems` lists everything wrong (paths relative to `calendars`). */
export function compileCalendars(config: CalendarsConfig): {
  calendars: Map<string, Calendar>;
  problems: Problem[];
} {
  const calendars = new Map<string, Calendar>();
  const problems: Problem[] = [];
  for (const [name, c] of Object.entries(config)) {
    if (!CALENDAR_NAME.test(name))
      problems.push({ path: [name], message: 'calendar names are 1–64 of letters, digits, _.:-' });
    if (!TimeZone.isValid(c.timezone)) {
      problems.push({
        path: [name, 'timezone'],
        message: `unknown time zone "${c.timezone}" (IANA name, e.g. Europe/Paris)`,
      });
      continue;
    }
    const zone = TimeZone.of(c.timezone);
    const sources: WindowSource[] = [];
    const oneOff: Window[] = [];
    c.windows.forEach((w, i) => {
      const at = [name, 'windows', i];
      if (w.rrule !== undefined) {
        const source = recurring(w, zone, at, problems);
        if (source !== undefined) sources.push(source);
      } else {
        const window = fixed(w, zone, at, problems);
        if (window !== undefined) oneOff.push(window);
      }
    });
    if (oneOff.length > 0) sources.push(new FixedWindows(oneOff));
    calendars.set(name, new Calendar(name, zone, sources));
  }
  return { calendars, problems };
}
