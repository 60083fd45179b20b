/**
 * access.bulk_export's state: operation classes (action × resource type, in bytes or
 * records) and their codes, the layout of a principal's class slots beside its CUSUM and
 * of a role's per-class baseline, their changelog codecs, and the baseline an operation
 * is judged against.
 */
import { RESOURCE_TYPES, type ResourceType } from '../../../shared/events/types.ts';
import type { StateCodec } from '../../../shared/pipeline/keyed-state.ts';
import { packArray, unpackF32, unpackF64 } from '../../../shared/stats/packed.ts';
import { arrayText, packedText } from '../state-text.ts';

export const TYPES = RESOURCE_TYPES;
const ACTIONS = ['read', 'query', 'export'] as const;
export const SLOTS = 8;
/** Per principal, per slot: class code, n, mean, variance (and the CUSUM beside them). */
export const A_SLOTS = 0;
export const LEN = A_SLOTS + 4 * SLOTS;
/** Per role and class: [n, mean, variance, n within, within-principal variance]. */
export const ROLE_LEN = 5;

/** The CUSUM and its time need float64; the class slots are float32 (codes and counts exact). */
export interface Ops {
  c: Float64Array;
  a: Float32Array;
}
export const opsCodec: StateCodec<Ops> = {
  encode: (v) => [v.c[0], v.c[1], packArray(v.a)],
  encodeText: (v) => arrayText(v.c, packedText(v.a)),
  decode: (json) => {
    const [s, t, a] = json as [number, number, string];
    return { c: Float64Array.of(s, t), a: unpackF32(a, LEN) };
  },
};
export const roleCodec: StateCodec<Float64Array> = {
  encode: (v) => packArray(v),
  encodeText: packedText,
  decode: (json) => unpackF64(json as string, ROLE_LEN),
};

/** Class code ≥ 1: action × type, +32 when the size is in records. */
export function classOf(action: string, type: ResourceType, records: boolean): number {
  const ai = ACTIONS.indexOf(action as (typeof ACTIONS)[number]);
  return 1 + ai * TYPES.length + TYPES.indexOf(type) + (records ? 32 : 0);
}

export function className(code: number): string {
  const c = code - 1;
  const records = c >= 32;
  const k = c % 32;
  return `${ACTIONS[Math.floor(k / TYPES.length)]} ${TYPES[k % TYPES.length]}${records ? ' (records)' : ''}`;
}

/** What an operation is judged against: its class's mean and spread of log10 size, and whose they are. */
export interface Baseline {
  mean: number;
  sd: number;
  source: 'own' | 'own reads of the type' | 'role';
  n: number;
}
