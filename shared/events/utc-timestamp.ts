/**
 * A fast path for the timestamp form nearly every producer writes — `JSON.stringify` of a
 * Date, `YYYY-MM-DDTHH:MM:SS.sssZ` (24 characters) or without the fraction (20) — read
 * digit by digit instead of by a regular expression and `Date.parse`, which together cost
 * about as much as the rest of an event's validation. Anything else (offsets, other
 * fraction lengths, a space for the `T`, days past the 28th) returns NaN and takes the
 * general path, so the two paths never disagree on what they both accept.
 */

const ZERO = 48;

/** Epoch ms of `v` if it is in the canonical UTC form, else NaN. */
export function canonicalUtcMs(v: string): number {
  const n = v.length;
  if (n !== 24 && n !== 20) return Number.NaN;
  if (
    v.charCodeAt(4) !== 45 || // -
    v.charCodeAt(7) !== 45 ||
    v.charCodeAt(10) !== 84 || // T
    v.charCodeAt(13) !== 58 || // :
    v.charCodeAt(16) !== 58 ||
    v.charCodeAt(n - 1) !== 90 // Z
  )
    return Number.NaN;
  const year = digits(v, 0, 4);
  const month = digits(v, 5, 2);
  const day = digits(v, 8, 2);
  const hour = digits(v, 11, 2);
  const minute = digits(v, 14, 2);
  const second = digits(v, 17, 2);
  let ms = 0;
  if (n === 24) {
    if (v.charCodeAt(19) !== 46) return Number.NaN; // .
    ms = digits(v, 20, 3);
  }
  // Each field within its range (days only to the 28th: month lengths are Date.parse's job).
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= 28 && hour <= 23 && minute <= 59 && second <= 59))
    return Number.NaN;
  if (!(year >= 1000 && ms >= 0)) return Number.NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/** The decimal number of `len` digits at `at`, or NaN when one is not a digit. */
function digits(v: string, at: number, len: number): number {
  let x = 0;
  for (let i = at; i < at + len; i++) {
    const d = v.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return Number.NaN;
    x = x * 10 + d;
  }
  return x;
}
