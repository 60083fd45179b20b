/**
 * Field checkers for the hand-written event validator. A checker returns `undefined`
 * when the value is acceptable, or the rule it broke ("expected number, got \"high\"").
 * They are composed once at module load; the per-event path only calls them.
 */
import { MAX_ARRAY_ITEMS, MAX_STRING_BYTES, MAX_TS_MS, MIN_TS_MS } from './limits.ts';
import { canonicalUtcMs } from './utc-timestamp.ts';

export type Checker = (value: unknown) => string | undefined;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'object') return 'object';
  return String(value);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Rejects keys that could poison prototypes when an object is merged later. */
export function forbiddenKey(obj: Record<string, unknown>): string | undefined {
  for (const key of FORBIDDEN_KEYS) {
    if (Object.prototype.hasOwnProperty.call(obj, key)) return key;
  }
  return undefined;
}

function stringTooLong(s: string, maxBytes: number): boolean {
  // A UTF-16 unit is at most 3 UTF-8 bytes, so short strings need no byte count.
  return s.length * 3 > maxBytes && Buffer.byteLength(s, 'utf8') > maxBytes;
}

export function string(maxBytes = MAX_STRING_BYTES, minChars = 0): Checker {
  return (v) => {
    if (typeof v !== 'string') return `expected string, got ${describe(v)}`;
    if (v.length < minChars)
      return minChars === 1 ? 'must not be empty' : `must have at least ${minChars} characters`;
    if (stringTooLong(v, maxBytes)) return `string longer than ${maxBytes} bytes`;
    return undefined;
  };
}

export function oneOf(values: readonly string[]): Checker {
  const allowed = new Set(values);
  const list = values.join(' | ');
  return (v) =>
    typeof v === 'string' && allowed.has(v) ? undefined : `expected one of ${list}, got ${describe(v)}`;
}

export function number(min = -Infinity, max = Infinity, integer = false): Checker {
  return (v) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return `expected number, got ${describe(v)}`;
    if (integer && !Number.isInteger(v)) return `expected integer, got ${v}`;
    if (v < min) return `must be ≥ ${min}, got ${v}`;
    if (v > max) return `must be ≤ ${max}, got ${v}`;
    return undefined;
  };
}

export const boolean: Checker = (v) =>
  typeof v === 'boolean' ? undefined : `expected boolean, got ${describe(v)}`;

/** Epoch milliseconds or an RFC 3339 date-time; normalised by `parseTimestamp`. */
export function parseTimestamp(v: unknown): number | string {
  let ms: number;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return `expected RFC 3339 string or epoch milliseconds, got ${describe(v)}`;
    ms = v;
  } else if (typeof v === 'string') {
    ms = canonicalUtcMs(v);
    if (!Number.isNaN(ms)) return ms < MIN_TS_MS || ms >= MAX_TS_MS ? outOfRange(v) : ms;
    if (!RFC3339.test(v)) return `expected RFC 3339 string or epoch milliseconds, got ${describe(v)}`;
    ms = Date.parse(v.length > 10 && v[10] === ' ' ? `${v.slice(0, 10)}T${v.slice(11)}` : v);
    if (Number.isNaN(ms)) return `not a valid date-time: ${describe(v)}`;
  } else {
    return `expected RFC 3339 string or epoch milliseconds, got ${describe(v)}`;
  }
  if (ms < MIN_TS_MS || ms >= MAX_TS_MS) return outOfRange(v);
  return ms;
}
const outOfRange = (v: unknown): string => `timestamp out of range (2000–2099): ${describe(v)}`;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** A record of name → value, each checked by `valueCheck`, at most `maxKeys` keys. */
export function record(valueCheck: Checker, maxKeys: number): Checker {
  return (v) => {
    if (!isPlainObject(v)) return `expected object, got ${describe(v)}`;
    let n = 0;
    for (const key in v) {
      if (!Object.prototype.hasOwnProperty.call(v, key)) continue;
      if (++n > maxKeys) return `more than ${maxKeys} keys`;
      if (FORBIDDEN_KEYS.has(key)) return `forbidden key "${key}"`;
      if (stringTooLong(key, MAX_STRING_BYTES)) return `key longer than ${MAX_STRING_BYTES} bytes`;
      const err = valueCheck(v[key]);
      if (err !== undefined) return prefix(key, err);
    }
    return undefined;
  };
}

export function array(itemCheck: Checker, maxItems = MAX_ARRAY_ITEMS): Checker {
  return (v) => {
    if (!Array.isArray(v)) return `expected array, got ${describe(v)}`;
    if (v.length > maxItems) return `more than ${maxItems} items (${v.length})`;
    for (let i = 0; i < v.length; i++) {
      const err = itemCheck(v[i]);
      if (err !== undefined) return prefix(`[${i}]`, err);
    }
    return undefined;
  };
}

export interface FieldSpec {
  readonly name: string;
  readonly required: boolean;
  readonly check: Checker;
}

export const req = (name: string, check: Checker): FieldSpec => ({ name, required: true, check });
export const opt = (name: string, check: Checker): FieldSpec => ({ name, required: false, check });

/**
 * An object whose known fields follow `fields`; unknown keys are kept but must not be
 * prototype keys. A nested error is reported as "sub.path: rule".
 */
export function object(fields: readonly FieldSpec[]): Checker {
  return (v) => {
    if (!isPlainObject(v)) return `expected object, got ${describe(v)}`;
    const bad = forbiddenKey(v);
    if (bad !== undefined) return prefix(bad, 'forbidden key');
    return checkFields(v, fields);
  };
}

/** Checks `fields` of `obj`; returns "name: rule" for the first failure. Nulls count as absent. */
export function checkFields(obj: Record<string, unknown>, fields: readonly FieldSpec[]): string | undefined {
  for (const field of fields) {
    const value = obj[field.name];
    if (value === undefined || value === null) {
      if (field.required) return `${field.name}: required`;
      if (value === null) obj[field.name] = undefined;
      continue;
    }
    const err = field.check(value);
    if (err !== undefined) return prefix(field.name, err);
  }
  return undefined;
}

/** Joins a path segment with a nested message: `metrics` + `load_pct: expected…`. */
function prefix(segment: string, message: string): string {
  if (message.startsWith('[')) return `${segment}${message}`;
  return NESTED.test(message) ? `${segment}.${message}` : `${segment}: ${message}`;
}
const NESTED = /^[A-Za-z_$][\w$]*(\[\d+\])*[.:[]/;
