/**
 * Event validation (contract v1). Validates in place — the parsed JSON object becomes the
 * event — so the hot path allocates nothing but the result. Errors name the field and the
 * rule: `facility.metrics.load_pct: expected number, got "high"`.
 */
import {
  array,
  boolean,
  checkFields,
  describe,
  forbiddenKey,
  isPlainObject,
  number,
  object,
  oneOf,
  opt,
  parseTimestamp,
  record,
  req,
  string,
  type FieldSpec,
} from './checks.ts';
import { MAX_EMBEDDING_DIMS, MAX_EVENT_ID_CHARS, MAX_FEATURE_KEYS } from './limits.ts';
import { RESOURCE_TYPES, SENSITIVITIES, type VigilEvent } from './types.ts';

export type ValidationResult = { ok: true; event: VigilEvent } | { ok: false; reason: string };

const nonEmpty = string(undefined, 1);
const count = number(0, Number.MAX_SAFE_INTEGER, true);

const BASE: readonly FieldSpec[] = [
  req('event_id', (v) =>
    typeof v === 'string' && v.length > MAX_EVENT_ID_CHARS
      ? `must be 1–${MAX_EVENT_ID_CHARS} characters, got ${v.length}`
      : nonEmpty(v),
  ),
  opt('tenant', nonEmpty),
  opt('source', string()),
];

const INFERENCE: readonly FieldSpec[] = [
  req('model_id', nonEmpty),
  opt('model_version', string()),
  opt('endpoint', string()),
  req('principal', nonEmpty),
  opt('client_ip', string()),
  opt('session_id', string()),
  req('latency_ms', number(0)),
  req('status', oneOf(['ok', 'error', 'refused', 'rate_limited'])),
  opt('input_tokens', count),
  opt('output_tokens', count),
  opt('prediction', object([opt('label', string()), opt('score', number(0, 1))])),
  opt('logprobs_requested', boolean),
  opt('input_features', record(number(), MAX_FEATURE_KEYS)),
  opt('input_embedding', array(number(), MAX_EMBEDDING_DIMS)),
  opt('policy_flags', array(string())),
  opt('tool_calls', array(object([req('tool', nonEmpty), opt('destination', string())]))),
];

const ACCESS: readonly FieldSpec[] = [
  req('principal', nonEmpty),
  opt('principal_type', oneOf(['user', 'service', 'agent'])),
  opt('role', string()),
  req('action', oneOf(['read', 'write', 'delete', 'export', 'query', 'list', 'admin'])),
  req('resource', nonEmpty),
  opt('resource_type', oneOf(RESOURCE_TYPES)),
  opt('sensitivity', oneOf(SENSITIVITIES)),
  opt('resource_tenant', nonEmpty),
  opt('bytes', count),
  opt('records', count),
  req('outcome', oneOf(['allowed', 'denied'])),
  opt('client_ip', string()),
  opt('via', string()),
];

const FACILITY_COMMON: readonly FieldSpec[] = [
  req('site', nonEmpty),
  req('zone', nonEmpty),
  req('kind', oneOf(['ups', 'cooling', 'badge'])),
];

const metric = number();
const UPS: readonly FieldSpec[] = [
  req('device_id', nonEmpty),
  opt(
    'metrics',
    object(
      ['load_pct', 'battery_pct', 'input_v', 'output_v', 'freq_hz', 'temp_c', 'runtime_min'].map((m) =>
        opt(m, metric),
      ),
    ),
  ),
  opt('state', oneOf(['online', 'on_battery', 'bypass', 'fault', 'maintenance'])),
  opt('firmware', string()),
  opt('config_hash', string()),
];

const COOLING: readonly FieldSpec[] = [
  req('device_id', nonEmpty),
  opt(
    'metrics',
    object(
      ['supply_c', 'return_c', 'humidity_pct', 'fan_rpm', 'flow_lpm', 'setpoint_c'].map((m) =>
        opt(m, metric),
      ),
    ),
  ),
  opt('state', oneOf(['running', 'standby', 'fault'])),
];

const BADGE: readonly FieldSpec[] = [
  req('badge_id', nonEmpty),
  req('door_id', nonEmpty),
  req('result', oneOf(['granted', 'denied', 'forced', 'held_open'])),
  opt('direction', oneOf(['in', 'out'])),
  opt('holder_role', string()),
];

const FACILITY_KINDS: Readonly<Record<string, readonly FieldSpec[]>> = {
  ups: UPS,
  cooling: COOLING,
  badge: BADGE,
};

const fail = (reason: string): ValidationResult => ({ ok: false, reason });

/**
 * Validates one decoded JSON value as an event. On success the same object is returned,
 * with `ts` normalised to epoch ms and `tenant` defaulted to "default".
 */
export function validateEvent(value: unknown): ValidationResult {
  if (!isPlainObject(value)) return fail(`event: expected object, got ${describe(value)}`);
  const type = value['type'];
  if (type !== 'inference' && type !== 'access' && type !== 'facility') {
    return fail(`type: expected one of inference | access | facility, got ${describe(type)}`);
  }
  const bad = forbiddenKey(value);
  if (bad !== undefined) return fail(`${type}.${bad}: forbidden key`);

  let err = checkFields(value, BASE);
  if (err !== undefined) return fail(`${type}.${err}`);
  const ts = parseTimestamp(value['ts']);
  if (typeof ts === 'string')
    return fail(value['ts'] === undefined ? `${type}.ts: required` : `${type}.ts: ${ts}`);

  if (type === 'inference') err = checkFields(value, INFERENCE);
  else if (type === 'access') err = checkFields(value, ACCESS);
  else {
    err = checkFields(value, FACILITY_COMMON);
    if (err === undefined) err = checkFields(value, FACILITY_KINDS[value['kind'] as string] ?? []);
  }
  if (err !== undefined) return fail(`${type}.${err}`);

  value['ts'] = ts;
  if (value['tenant'] === undefined) value['tenant'] = 'default';
  return { ok: true, event: value as VigilEvent };
}
