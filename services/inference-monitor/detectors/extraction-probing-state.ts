/**
 * inference.extraction.probing's state of a principal × model and its changelog codec:
 * the ring of the last 32 query signatures, one bit per query for "near-duplicate" and
 * "one-feature step", the long-run rates of both, the previous query's features (float32)
 * and the logprobs requests of the last hour — in the changelog one base64 buffer, with
 * the swept feature's name beside it. A model's running spread (the bucket widths and the
 * standardisation of features) is plain JSON.
 */
import type { InferenceEvent } from '../../../shared/events/types.ts';
import type { StateCodec } from '../../../shared/pipeline/keyed-state.ts';
import { packBuffer, scratchBuffer, unpackBuffer } from '../packed.ts';

/** Queries of a principal × model whose signatures and flags are kept. */
export const RING = 32;
export const HOUR_MS = 3_600_000;
const SLOT_MS = 10 * 60_000;
const SLOTS = 6;
/** Weight of the newest active hour in the own hourly logprobs level. */
const HOURLY_ALPHA = 0.1;

export interface ProbeState {
  v: 1;
  first: number;
  n: number;
  sigs: Uint32Array;
  head: number;
  /** Bit i: the query i places back was a near-duplicate / a one-feature step. */
  dupBits: number;
  sweepBits: number;
  dupRate: number;
  sweepRate: number;
  /** Hash of the previous query's feature names, its values, and the last swept feature. */
  namesHash: number;
  prev: Float32Array;
  sweptFeature: string;
  sweptRun: number;
  /** Logprobs requests: 10-minute slots of the last hour; the current hour; own level. */
  slot: number;
  lp: number[];
  hour: number;
  hourLp: number;
  hourActive: boolean;
  lpLevel: number;
  lpHours: number;
}

/** Changelog form: the numbers in one base64 buffer, the swept feature's name beside it. */
interface ProbeJson {
  v: 1;
  b: string;
  f?: string;
}

/** Float64 header: 14 scalars, hourActive, prev length, the 6 logprobs slots. */
const HEADER = 16 + SLOTS;
const SIGS_AT = HEADER * 8;
const PREV_AT = SIGS_AT + 8 * RING;

function encodeProbeText(s: ProbeState): string {
  const bytes = PREV_AT + 4 * s.prev.length;
  const buf = scratchBuffer(bytes);
  const f = new Float64Array(buf, 0, HEADER);
  f[0] = s.first;
  f[1] = s.n;
  f[2] = s.head;
  f[3] = s.dupBits;
  f[4] = s.sweepBits;
  f[5] = s.dupRate;
  f[6] = s.sweepRate;
  f[7] = s.namesHash;
  f[8] = s.sweptRun;
  f[9] = s.slot;
  f[10] = s.hour;
  f[11] = s.hourLp;
  f[12] = s.lpLevel;
  f[13] = s.lpHours;
  f[14] = s.hourActive ? 1 : 0;
  f[15] = s.prev.length;
  for (let i = 0; i < SLOTS; i++) f[16 + i] = s.lp[i] as number;
  new Uint32Array(buf, SIGS_AT, 2 * RING).set(s.sigs);
  new Float32Array(buf, PREV_AT, s.prev.length).set(s.prev);
  const f2 = s.sweptFeature === '' ? '' : `,"f":${JSON.stringify(s.sweptFeature)}`;
  return `{"v":1,"b":"${packBuffer(buf, bytes)}"${f2}}`;
}

function decodeProbe(json: unknown): ProbeState {
  const j = json as ProbeJson;
  if (j.v !== 1) throw new TypeError(`probing state version ${String(j.v)}`);
  const buf = unpackBuffer(j.b);
  const f = new Float64Array(buf, 0, HEADER);
  const s = newProbeState(0);
  s.first = f[0] as number;
  s.n = f[1] as number;
  s.head = f[2] as number;
  s.dupBits = f[3] as number;
  s.sweepBits = f[4] as number;
  s.dupRate = f[5] as number;
  s.sweepRate = f[6] as number;
  s.namesHash = f[7] as number;
  s.sweptRun = f[8] as number;
  s.slot = f[9] as number;
  s.hour = f[10] as number;
  s.hourLp = f[11] as number;
  s.lpLevel = f[12] as number;
  s.lpHours = f[13] as number;
  s.hourActive = f[14] === 1;
  const prevLength = f[15] as number;
  for (let i = 0; i < SLOTS; i++) s.lp[i] = f[16 + i] as number;
  s.sigs = new Uint32Array(buf, SIGS_AT, 2 * RING).slice();
  s.prev = new Float32Array(buf, PREV_AT, prevLength).slice();
  s.sweptFeature = j.f ?? '';
  return s;
}

export const probeCodec: StateCodec<ProbeState> = {
  encodeText: encodeProbeText,
  encode: (s) => JSON.parse(encodeProbeText(s)) as ProbeJson,
  decode: decodeProbe,
};

/** A model's running spread: of the 16 projections (bucket widths) and of each feature. */
export interface ModelCentre {
  v: 1;
  /** Dimension of the projected vectors (embedding length, or feature count). */
  dims: number;
  pn: number;
  pmean: number[];
  pvar: number[];
  names: string[];
  mean: number[];
  sd: number[];
  n: number;
}

export function newProbeState(t: number): ProbeState {
  return {
    v: 1,
    first: t,
    n: 0,
    sigs: new Uint32Array(2 * RING),
    head: 0,
    dupBits: 0,
    sweepBits: 0,
    dupRate: 0,
    sweepRate: 0,
    namesHash: 0,
    prev: new Float32Array(0),
    sweptFeature: '',
    sweptRun: 0,
    slot: Math.floor(t / SLOT_MS),
    lp: new Array<number>(SLOTS).fill(0),
    hour: Math.floor(t / HOUR_MS),
    hourLp: 0,
    hourActive: false,
    lpLevel: 0,
    lpHours: 0,
  };
}

/**
 * Counts the event in the principal's logprobs slots (and folds a finished hour into its
 * own hourly level); the requests for full probability vectors in the last hour.
 */
export function countLogprobs(s: ProbeState, event: InferenceEvent): number {
  const t = event.ts;
  const hour = Math.floor(t / HOUR_MS);
  if (hour > s.hour) {
    if (s.hourActive) {
      s.lpHours++;
      s.lpLevel += Math.max(HOURLY_ALPHA, 1 / s.lpHours) * (s.hourLp - s.lpLevel);
    }
    s.hour = hour;
    s.hourLp = 0;
    s.hourActive = false;
  }
  s.hourActive = true;
  const slot = Math.floor(t / SLOT_MS);
  if (slot > s.slot) {
    for (let i = s.slot + 1; i <= Math.min(slot, s.slot + SLOTS); i++) s.lp[i % SLOTS] = 0;
    s.slot = slot;
  }
  if (event.logprobs_requested === true) {
    if (hour === s.hour) s.hourLp++;
    if (slot > s.slot - SLOTS) {
      const i = ((slot % SLOTS) + SLOTS) % SLOTS;
      s.lp[i] = (s.lp[i] as number) + 1;
    }
  }
  let lp = 0;
  for (let i = 0; i < SLOTS; i++) lp += s.lp[i] as number;
  return lp;
}
