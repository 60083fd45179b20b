/**
 * Parses the RFC 5545 RRULE subset Vigil's calendars accept: FREQ (DAILY, WEEKLY, MONTHLY,
 * YEARLY), INTERVAL, BYDAY (with ordinals such as 1SU or -1FR under MONTHLY/YEARLY),
 * BYMONTHDAY (negatives count from the month's end), BYMONTH, BYHOUR, BYMINUTE, COUNT,
 * UNTIL and WKST; optionally preceded by a `DTSTART[;TZID=…]:YYYYMMDDTHHMMSS` line.
 * Everything else (BYSETPOS, BYWEEKNO, BYYEARDAY, HOURLY…) is rejected by name, so a rule
 * never silently means something other than what its author read in a reference.
 */

export const FREQUENCIES = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;

export interface WeekdaySpec {
  /** Monday = 0 … Sunday = 6. */
  day: number;
  /** 0: every such weekday of the period; n > 0: the n-th; n < 0: the n-th from the end. */
  ordinal: number;
}

/** A bound on the occurrences' starts: an instant (UTC form) or wall-clock local ms. */
export type Until = { utc: true; ms: number } | { utc: false; ms: number };

export interface RecurrenceRule {
  freq: Frequency;
  interval: number;
  byMonth: readonly number[] | undefined;
  byMonthDay: readonly number[] | undefined;
  byDay: readonly WeekdaySpec[] | undefined;
  byHour: readonly number[] | undefined;
  byMinute: readonly number[] | undefined;
  count: number | undefined;
  until: Until | undefined;
  wkst: number;
}

export interface ParsedRule {
  rule: RecurrenceRule;
  /** Local ms of a DTSTART line, when the text had one. */
  dtstart: number | undefined;
  /** TZID of the DTSTART line, when given. */
  tzid: string | undefined;
}

/** Upper bound on COUNT: counted rules are expanded once, at load. */
export const MAX_COUNT = 10_000;

const DATE_TIME = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/;

/** `YYYYMMDD[THHMMSS[Z]]` → local ms (or UTC ms with Z); undefined when malformed. */
export function parseIcalDateTime(text: string): { ms: number; utc: boolean; dateOnly: boolean } | undefined {
  const m = DATE_TIME.exec(text);
  if (m === null) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59)
    return undefined;
  return { ms, utc: m[7] === 'Z', dateOnly: m[4] === undefined };
}

function intList(
  value: string,
  min: number,
  max: number,
  allowNegative: boolean,
  name: string,
  errors: string[],
): number[] {
  const out: number[] = [];
  for (const part of value.split(',')) {
    const n = /^[+-]?\d+$/.test(part) ? Number(part) : Number.NaN;
    const abs = Math.abs(n);
    if (Number.isNaN(n) || abs < min || abs > max || (n < 0 && !allowNegative) || (n === 0 && min > 0)) {
      errors.push(`${name}: "${part}" is not ${allowNegative ? `±${min}…${max}` : `${min}…${max}`}`);
    } else out.push(n);
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

function weekdays(value: string, errors: string[]): WeekdaySpec[] {
  const out: WeekdaySpec[] = [];
  for (const part of value.split(',')) {
    const m = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.exec(part);
    const ordinal = m?.[1] === undefined ? 0 : Number(m[1]);
    if (m === null || Math.abs(ordinal) > 53 || (m[1] !== undefined && ordinal === 0)) {
      errors.push(`BYDAY: "${part}" is not a weekday (MO…SU) with an optional ordinal ±1…53`);
      continue;
    }
    out.push({ day: WEEKDAYS.indexOf(m[2] as (typeof WEEKDAYS)[number]), ordinal });
  }
  return out;
}

/** Parses `text`; returns the rule, or the list of everything wrong with it. */
export function parseRule(text: string): { ok: true; value: ParsedRule } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  let dtstart: number | undefined;
  let tzid: string | undefined;
  let body: string | undefined;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '') continue;
    const dt = /^DTSTART(?:;TZID=([^:;]+))?:(.*)$/i.exec(line);
    if (dt !== null) {
      const parsed = parseIcalDateTime(dt[2]!.trim());
      if (parsed === undefined || parsed.utc)
        errors.push(`DTSTART: "${dt[2]}" is not a local YYYYMMDD[THHMMSS]`);
      else dtstart = parsed.ms;
      tzid = dt[1];
    } else if (body === undefined) body = line.replace(/^RRULE:/i, '');
    else errors.push(`unexpected line "${line.slice(0, 80)}" (one DTSTART line and one RRULE line at most)`);
  }
  if (body === undefined) return { ok: false, errors: [...errors, 'no RRULE (e.g. "FREQ=WEEKLY;BYDAY=MO")'] };

  const fields = new Map<string, string>();
  for (const part of body.split(';')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).toUpperCase();
    if (eq < 0 || eq === part.length - 1) errors.push(`"${part}" is not NAME=VALUE`);
    else if (fields.has(key)) errors.push(`${key} given twice`);
    else fields.set(key, part.slice(eq + 1).toUpperCase());
  }
  const freq = fields.get('FREQ');
  if (freq === undefined) errors.push('FREQ is required (DAILY, WEEKLY, MONTHLY or YEARLY)');
  else if (!(FREQUENCIES as readonly string[]).includes(freq))
    errors.push(`FREQ=${freq} is not supported (DAILY, WEEKLY, MONTHLY or YEARLY)`);
  const known = new Set([
    'FREQ',
    'INTERVAL',
    'BYDAY',
    'BYMONTHDAY',
    'BYMONTH',
    'BYHOUR',
    'BYMINUTE',
    'COUNT',
    'UNTIL',
    'WKST',
  ]);
  for (const key of fields.keys()) if (!known.has(key)) errors.push(`${key} is not supported`);

  const interval = fields.has('INTERVAL')
    ? intList(fields.get('INTERVAL')!, 1, 1000, false, 'INTERVAL', errors)[0]
    : 1;
  const byMonth = fields.has('BYMONTH')
    ? intList(fields.get('BYMONTH')!, 1, 12, false, 'BYMONTH', errors)
    : undefined;
  const byMonthDay = fields.has('BYMONTHDAY')
    ? intList(fields.get('BYMONTHDAY')!, 1, 31, true, 'BYMONTHDAY', errors)
    : undefined;
  const byHour = fields.has('BYHOUR')
    ? intList(fields.get('BYHOUR')!, 0, 23, false, 'BYHOUR', errors)
    : undefined;
  const byMinute = fields.has('BYMINUTE')
    ? intList(fields.get('BYMINUTE')!, 0, 59, false, 'BYMINUTE', errors)
    : undefined;
  const byDay = fields.has('BYDAY') ? weekdays(fields.get('BYDAY')!, errors) : undefined;
  const count = fields.has('COUNT')
    ? intList(fields.get('COUNT')!, 1, MAX_COUNT, false, 'COUNT', errors)[0]
    : undefined;
  let until: Until | undefined;
  if (fields.has('UNTIL')) {
    const parsed = parseIcalDateTime(fields.get('UNTIL')!);
    if (parsed === undefined) errors.push(`UNTIL: "${fields.get('UNTIL')}" is not YYYYMMDD[THHMMSS[Z]]`);
    // A date-only UNTIL includes that whole day.
    else until = { utc: parsed.utc, ms: parsed.dateOnly ? parsed.ms + 86_399_999 : parsed.ms };
  }
  if (count !== undefined && until !== undefined) errors.push('COUNT and UNTIL exclude each other');
  const wkstText = fields.get('WKST') ?? 'MO';
  const wkst = WEEKDAYS.indexOf(wkstText as (typeof WEEKDAYS)[number]);
  if (wkst < 0) errors.push(`WKST: "${wkstText}" is not MO…SU`);

  if (freq === 'WEEKLY' && byMonthDay !== undefined)
    errors.push('BYMONTHDAY cannot be used with FREQ=WEEKLY');
  const ordinals = byDay?.some((d) => d.ordinal !== 0) ?? false;
  if (ordinals && (freq === 'DAILY' || freq === 'WEEKLY'))
    errors.push(`BYDAY ordinals (e.g. 1SU) need FREQ=MONTHLY or YEARLY, not ${freq}`);
  if (ordinals && freq === 'YEARLY' && byMonth === undefined && byDay!.some((d) => Math.abs(d.ordinal) > 53))
    errors.push('BYDAY ordinal beyond 53 in a year');
  if (
    ordinals &&
    (freq === 'MONTHLY' || byMonth !== undefined) &&
    byDay!.some((d) => Math.abs(d.ordinal) > 5)
  )
    errors.push('BYDAY ordinal beyond 5 in a month');

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      rule: {
        freq: freq as Frequency,
        interval: interval ?? 1,
        byMonth,
        byMonthDay,
        byDay,
        byHour,
        byMinute,
        count,
        until,
        wkst,
      },
      dtstart,
      tzid,
    },
  };
}
