/**
 * inference.behavior's per-entity state and its changelog codecs. A principal × model is
 * one Float64Array (tool clock, kind counts, token baselines and slots: one base64 string
 * in the changelog) beside its recent policy flags and known tools; a model holds the
 * same counts, the open bucket of its token and latency series and the destinations seen
 * on it. The layout offsets are shared by the rate and token tests that read them.
 */
import type { StateCodec } from '../../../shared/pipeline/keyed-state.ts';
import { packBuffer, unpackBuffer } from '../packed.ts';

const MINUTE_MS = 60_000;
export const SLOT_MS = 10 * MINUTE_MS;
export const SLOTS = 6;
/** Kinds counted: index into the count arrays (0 = all requests). */
export const KINDS = ['requests', 'refused', 'flagged', 'error', 'rate_limited'] as const;
export type Kind = (typeof KINDS)[number];
export const K = KINDS.length;

/**
 * Counts, as a float64 array: the newest 10-minute slot, when the long-run counts were
 * last decayed, the decayed long-run counts (K) and the last hour's slots (SLOTS × K,
 * slot-major).
 */
export type Counts = Float64Array;
export const C_SLOT = 0;
export const C_LONG_AT = 1;
export const C_LONG = 2;
export const C_RECENT = C_LONG + K;
export const COUNTS_SIZE = C_RECENT + SLOTS * K;

/** Numeric part of a principal × model: FIRST, TOOLS_SINCE, TOOL_CALLS, then the counts. */
export const P_FIRST = 0;
export const P_TOOLS_SINCE = 1;
export const P_TOOL_CALLS = 2;
const P_COUNTS = 3;
/**
 * Token usage of the principal: per metric (output, input) the learned requests, mean and
 * variance of log(1 + tokens); the newest 10-minute slot; per slot and metric the sum of
 * log(1 + tokens) and the requests carrying it.
 */
const P_TOKENS = P_COUNTS + COUNTS_SIZE;
export const T_SLOT = P_TOKENS;
export const T_BASE = T_SLOT + 1; // + metric * 3: n, mean, var
export const T_SLOTS = T_BASE + 6; // + slot * 4 + metric * 2: sum, n
const P_SIZE = T_SLOTS + SLOTS * 4;
export const TOKEN_METRICS = ['output_tokens', 'input_tokens'] as const;
export type TokenMetric = (typeof TOKEN_METRICS)[number];

export interface PrincipalBehavior {
  f: Float64Array;
  counts: Counts;
  /** Flags seen in the last hour (for the description). */
  flags: string[];
  /** Known tools (`t:`) and destinations (`d:`) → last seen. */
  known: Record<string, number>;
}

interface PrincipalJson {
  v: 1;
  b: string;
  flags?: string[];
  known?: Record<string, number>;
}

/** The changelog JSON of a principal: its numbers as base64, flags and tools when it has any. */
function principalText(p: PrincipalBehavior): string {
  let text = `{"v":1,"b":"${packBuffer(p.f.buffer as ArrayBuffer)}"`;
  if (p.flags.length > 0) text += `,"flags":${JSON.stringify(p.flags)}`;
  for (const _ in p.known) {
    text += `,"known":${JSON.stringify(p.known)}`;
    break;
  }
  return `${text}}`;
}

export function principalState(f = new Float64Array(P_SIZE)): PrincipalBehavior {
  return { f, counts: f.subarray(P_COUNTS), flags: [], known: {} };
}

export const principalCodec: StateCodec<PrincipalBehavior> = {
  encodeText: principalText,
  encode: (p) => JSON.parse(principalText(p)) as PrincipalJson,
  decode: (json) => {
    const j = json as PrincipalJson;
    if (j.v !== 1) throw new TypeError(`behavior state version ${String(j.v)}`);
    const p = principalState(new Float64Array(unpackBuffer(j.b, P_SIZE * 8)));
    p.flags = j.flags ?? [];
    p.known = j.known ?? {};
    return p;
  },
};

export interface ModelBehavior {
  v: 1;
  counts: Counts;
  /** Open bucket of the token and latency series. */
  bucketStart: number;
  bucketN: number;
  outSum: number;
  outN: number;
  latSum: number;
  /** Output tokens per principal in the bucket (at most 16 principals, then "(others)"). */
  outBy: Record<string, number>;
  /** Principals in `outBy`. */
  outByN: number;
  /** Destinations any principal used on this model → last seen. */
  destinations: Record<string, number>;
}

/** The per-model series: one univariate detector each, fed a point per closed bucket. */
export type SeriesMetric = 'output_tokens' | 'latency_ms';

export const modelCodec: StateCodec<ModelBehavior> = {
  encode: (m) => ({ ...m, counts: Array.from(m.counts) }),
  decode: (json) => {
    const j = json as Omit<ModelBehavior, 'counts'> & { counts: number[] };
    if (j.v !== 1) throw new TypeError(`behavior model state version ${String(j.v)}`);
    return { ...j, counts: Float64Array.from(j.counts) };
  },
};

/**
 * `record[key]` if the record itself holds it. Keys are names from events (a principal, a
 * destination): one called `constructor` or `toString` must not read Object.prototype's.
 */
export function own(record: Record<string, number>, key: string): number | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
