/**
 * inference.extraction.prada's state of a principal × model: per predicted class a
 * reservoir of past queries (float32 vectors and their A-Res priorities), the ring of the
 * last distances with their times, and the ranking of those distances (in memory only,
 * rebuilt on restore); its changelog codec (one base64 buffer and the class labels); and
 * the exact nearest-neighbour scan of a class's vectors that gives each new distance.
 */
import type { StateCodec } from '../../../shared/pipeline/keyed-state.ts';
import { rankSlots } from '../ranked-ring.ts';
import { packBuffer, scratchBuffer, unpackBuffer } from '../packed.ts';

/** One principal × model. Typed arrays in memory, base64 in the changelog. */
export interface Reservoir {
  v: 1;
  /** Dimension of the stored vectors (after any projection). */
  dims: number;
  /** Event time the priorities are measured from (keeps them small for float32). */
  landmark: number;
  classes: string[];
  /** Per class: `size` vectors of `dims` floats, and their priorities. */
  vecs: Float32Array[];
  prio: Float32Array[];
  size: number[];
  /** Ring of the last distances, and when each was recorded (hours after `landmark`). */
  dist: Float32Array;
  at: Float32Array;
  head: number;
  count: number;
  /** In memory only: the slots of `dist[0..count)` ranked by distance (rebuilt on restore). */
  order: Uint16Array;
  /** Distances recorded since the last test. */
  sinceTest: number;
  /** Last test's W. */
  lastW: number;
  /** Hours after `landmark` of the last finding (−Infinity before any; JSON null). */
  flagged: number;
}

/**
 * Changelog form: every number in one base64 buffer — a float64 header (sizes, clock,
 * counters, per-class fill), then float32 distances, their times, and per class the
 * priorities and vectors — and the class labels beside it.
 */
interface ReservoirJson {
  v: 1;
  b: string;
  c: string[];
}

const H_K = 0;
const H_M = 1;
const H_DIMS = 2;
const H_LANDMARK = 3;
const H_HEAD = 4;
const H_COUNT = 5;
const H_SINCE = 6;
const H_LAST_W = 7;
const H_FLAGGED = 8;
const H_SIZES = 9;

function encodeReservoir(r: Reservoir, k: number, m: number): string {
  const c = r.classes.length;
  const header = H_SIZES + c;
  const floats = 2 * m + c * k * (1 + r.dims);
  const bytes = header * 8 + floats * 4;
  const buf = scratchBuffer(bytes);
  const h = new Float64Array(buf, 0, header);
  h[H_K] = k;
  h[H_M] = m;
  h[H_DIMS] = r.dims;
  h[H_LANDMARK] = r.landmark;
  h[H_HEAD] = r.head;
  h[H_COUNT] = r.count;
  h[H_SINCE] = r.sinceTest;
  h[H_LAST_W] = r.lastW;
  h[H_FLAGGED] = r.flagged;
  for (let i = 0; i < c; i++) h[H_SIZES + i] = r.size[i] as number;
  const f = new Float32Array(buf, header * 8, floats);
  f.set(r.dist, 0);
  f.set(r.at, m);
  let at = 2 * m;
  for (let i = 0; i < c; i++) {
    f.set(r.prio[i] as Float32Array, at);
    at += k;
    f.set(r.vecs[i] as Float32Array, at);
    at += k * r.dims;
  }
  return `{"v":1,"b":"${packBuffer(buf, bytes)}","c":${JSON.stringify(r.classes)}}`;
}

function decodeReservoir(json: unknown, k: number, m: number): Reservoir {
  const j = json as ReservoirJson;
  if (j.v !== 1) throw new TypeError(`prada reservoir version ${String(j.v)}`);
  const buf = unpackBuffer(j.b);
  const c = j.c.length;
  const header = H_SIZES + c;
  const h = new Float64Array(buf, 0, header);
  const dims = h[H_DIMS] as number;
  // A reservoir kept under other sizes restarts (a reconfiguration changed them).
  if (h[H_K] !== k || h[H_M] !== m) return emptyReservoir(dims, h[H_LANDMARK] as number, m);
  const f = new Float32Array(buf, header * 8);
  const r = emptyReservoir(dims, h[H_LANDMARK] as number, m);
  r.head = h[H_HEAD] as number;
  r.count = h[H_COUNT] as number;
  r.sinceTest = h[H_SINCE] as number;
  r.lastW = h[H_LAST_W] as number;
  r.flagged = h[H_FLAGGED] as number;
  r.dist = f.slice(0, m);
  r.at = f.slice(m, 2 * m);
  r.order = rankSlots(r.dist, r.count, m);
  let at = 2 * m;
  for (let i = 0; i < c; i++) {
    r.classes.push(j.c[i] as string);
    r.size.push(h[H_SIZES + i] as number);
    r.prio.push(f.slice(at, at + k));
    at += k;
    r.vecs.push(f.slice(at, at + k * dims));
    at += k * dims;
  }
  return r;
}

/** The codec of reservoirs kept with `k` queries per class and `m` distances. */
export function reservoirCodec(k: number, m: number): StateCodec<Reservoir> {
  return {
    encodeText: (r) => encodeReservoir(r, k, m),
    encode: (r) => JSON.parse(encodeReservoir(r, k, m)) as ReservoirJson,
    decode: (json) => decodeReservoir(json, k, m),
  };
}

export function emptyReservoir(dims: number, landmark: number, maxDistances: number): Reservoir {
  return {
    v: 1,
    dims,
    landmark,
    classes: [],
    vecs: [],
    prio: [],
    size: [],
    dist: new Float32Array(maxDistances),
    at: new Float32Array(maxDistances),
    head: 0,
    count: 0,
    order: new Uint16Array(maxDistances),
    sinceTest: 0,
    lastW: 1,
    flagged: Number.NEGATIVE_INFINITY,
  };
}

/**
 * Squared distance from `x` to the nearest of `size` stored vectors, exact, with early
 * exit: once a partial sum is not below the best so far the vector cannot win (terms are
 * ≥ 0 and are added in dimension order, so a full sum is the same whatever the exit). The
 * check runs every 4 dimensions rather than every one: fewer branches for a few more
 * multiply-adds.
 */
export function nearestSquared(vecs: Float32Array, size: number, dims: number, x: ArrayLike<number>): number {
  let best = Number.POSITIVE_INFINITY;
  const whole = dims - (dims % 4);
  for (let base = 0, end = size * dims; base < end; base += dims) {
    let s = 0;
    let j = 0;
    for (; j < whole; j += 4) {
      const t0 = (vecs[base + j] as number) - (x[j] as number);
      const t1 = (vecs[base + j + 1] as number) - (x[j + 1] as number);
      const t2 = (vecs[base + j + 2] as number) - (x[j + 2] as number);
      const t3 = (vecs[base + j + 3] as number) - (x[j + 3] as number);
      s += t0 * t0;
      s += t1 * t1;
      s += t2 * t2;
      s += t3 * t3;
      if (!(s < best)) break;
    }
    if (!(s < best)) continue;
    for (; j < dims; j++) {
      const t = (vecs[base + j] as number) - (x[j] as number);
      s += t * t;
    }
    if (s < best) best = s;
  }
  return best;
}
