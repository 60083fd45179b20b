/**
 * inference.extraction.probing — systematic probing of a model by one principal: many
 * near-identical queries, one-feature-at-a-time sweeps of `input_features`, and many
 * requests for full probability vectors, per principal × model.
 *
 * Statistics, each over the principal's last 32 queries on the model:
 *  - near-duplicates: a p-stable LSH signature (Datar et al. 2004; shared/stats) of the
 *    query — 16 random projections of its embedding (or of its features standardised by
 *    the model's running mean and spread), each cut into buckets `near_width` × the
 *    model's spread of that projection wide — is a near-duplicate when it shares at
 *    least `near_buckets` of 16 buckets with one of the previous 32 signatures (no
 *    pairwise pass over history; SimHash, which only sees angles, calls every query of a
 *    tight topic cluster a near-duplicate). The count of near-duplicates among the last
 *    32 queries is tested against the principal's own long-run near-duplicate rate
 *    (floored at `rate_floor`) with a binomial tail;
 *  - sweeps: a query that changes exactly one feature of the previous query and keeps
 *    every other one is a one-feature step; their count is tested the same way;
 *  - full probability vectors: `logprobs_requested` requests in the last hour against
 *    `logprobs_factor` × the principal's own hourly level (learned over active hours), at
 *    least `min_logprobs_per_hour` — a client that always asks for them stays quiet.
 * A finding needs a share of at least `min_share` (near-duplicates, sweeps) and a tail
 * probability ≤ 10^−`min_surprise`, and is raised only by a query that is itself part
 * of the pattern (so a probe that ended does not accuse the next ordinary queries). Each
 * signal is its own finding and episode (`<model>|sweep`, `|logprobs`,
 * `|near_duplicates`), every signal's numbers in each one's evidence.
 *
 * State: store `principals` (key principal × model): 32 signatures, two 32-bit flag
 * masks, the previous query's features (float32) and a few rates — ≈ 0.7 kB of changelog
 * JSON with 6 features; store `models` (key model): running mean and spread of the 16
 * projections and of each feature. Cost per event: 16 × d multiply-adds (four sums at a
 * time), up to 32 signature comparisons (each stops once too many nibbles differ), one
 * pass over the features.
 */
import { z } from 'zod';
import type { InferenceEvent, Severity } from '../../../shared/events/types.ts';
import {
  defineDetector,
  type Detector,
  type DetectorContext,
  type Finding,
} from '../../../shared/pipeline/detector.ts';
import type { DetectorState, KeyedState, StateCodec } from '../../../shared/pipeline/keyed-state.ts';
import { binomialSurprise } from '../../../shared/stats/count-tails.ts';
import {
  popCount32,
  pStableSignature,
  RandomProjection,
  sharesNibbles64,
  SIGNATURE_PROJECTIONS,
} from '../../../shared/stats/random-projection.ts';
import { principalModelKey } from '../entity-keys.ts';
import { fmt, packBuffer, round, scratchBuffer, unpackBuffer } from '../packed.ts';

interface ProbingConfig {
  near_width: number;
  near_buckets: number;
  min_share: number;
  rate_floor: number;
  min_surprise: number;
  min_logprobs_per_hour: number;
  logprobs_factor: number;
  own_learning_hours: number;
}

const RING = 32;
const HOUR_MS = 3_600_000;
const SLOT_MS = 10 * 60_000;
const SLOTS = 6;
/** Weight of the newest flag in the long-run near-duplicate and sweep rates (≈ 500 queries). */
const RATE_ALPHA = 0.002;
/** Weight of the newest active hour in the own hourly logprobs level. */
const HOURLY_ALPHA = 0.1;

interface ProbeState {
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
  const s = newState(0);
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

/** A model's running spread: of the 16 projections (bucket widths) and of each feature. */
interface ModelCentre {
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

/** Projected queries a model needs before its bucket widths are trusted. */
const MIN_MODEL_QUERIES = 200;
const PROJECTION_SEED = 0x5eed;
/** Feature names whose prefix hashes are memoised. */
const MAX_MEMO_NAMES = 64;

class ProbingDetector implements Detector<InferenceEvent> {
  private readonly principals: KeyedState<ProbeState>;
  private readonly models: KeyedState<ModelCentre>;
  private readonly sig = new Uint32Array(2);
  private readonly scratch: number[] = [];
  private readonly proj = new Float64Array(SIGNATURE_PROJECTIONS);
  private readonly widths = new Float64Array(SIGNATURE_PROJECTIONS);
  /** The last feature names hashed, and the names hash after each (a memo of `hashInto`). */
  private readonly names: string[] = [];
  private readonly nameHashes: number[] = [];
  /** The last projection used (the matrix depends on the dimension only). */
  private projection: RandomProjection | null = null;

  constructor(
    private readonly config: ProbingConfig,
    state: DetectorState,
  ) {
    const codec: StateCodec<ProbeState> = {
      encodeText: encodeProbeText,
      encode: (s) => JSON.parse(encodeProbeText(s)) as ProbeJson,
      decode: decodeProbe,
    };
    this.principals = state.keyed('principals', { codec });
    this.models = state.keyed('models', { pinned: true });
  }

  update(event: InferenceEvent, ctx: DetectorContext): Finding | null {
    const t = event.ts;
    const key = principalModelKey(event.principal, event.model_id);
    let s = this.principals.get(key);
    if (s === undefined) {
      s = newState(t);
      this.principals.put(key, s);
    }
    const centre = this.centre(event);

    // Near-duplicates by p-stable LSH signatures.
    let dup = false;
    if (this.signature(event, centre)) {
      const lo = this.sig[0] as number;
      const hi = this.sig[1] as number;
      const filled = Math.min(s.n, RING);
      const nearBuckets = this.config.near_buckets;
      for (let i = 0; i < filled; i++) {
        if (sharesNibbles64(lo, hi, s.sigs[2 * i] as number, s.sigs[2 * i + 1] as number, nearBuckets)) {
          dup = true;
          break;
        }
      }
      s.sigs[2 * s.head] = lo;
      s.sigs[2 * s.head + 1] = hi;
      s.head = (s.head + 1) % RING;
    }

    // One-feature steps.
    let sweep = false;
    const feats = event.input_features;
    if (feats !== undefined) {
      // One pass, no allocation while the feature count holds: hash the names, compare
      // with the previous query and store; a new count stores into a fresh array.
      const prev = s.prev;
      let nh = 0x811c9dc5;
      let changed = -1;
      let changedName = '';
      let many = false;
      let count = 0;
      let memo = true;
      for (const name in feats) {
        // Queries of one source repeat the same names in the same order: the hash of a
        // repeated prefix is the memo's (names compare by pointer), without rehashing it.
        if (memo && this.names[count] === name) nh = this.nameHashes[count] as number;
        else {
          if (memo) {
            memo = false;
            this.names.length = count;
            this.nameHashes.length = count;
          }
          nh = hashInto(nh, name);
          if (count < MAX_MEMO_NAMES) {
            this.names.push(name);
            this.nameHashes.push(nh);
          }
        }
        if (count < prev.length) {
          const v = Math.fround(feats[name] as number);
          if (v !== prev[count]) {
            if (changed >= 0) many = true;
            changed = count;
            changedName = name;
          }
          prev[count] = v;
        }
        count++;
      }
      const comparable = prev.length === count;
      if (!comparable) {
        s.prev = new Float32Array(count);
        let i = 0;
        for (const name in feats) s.prev[i++] = Math.fround(feats[name] as number);
      }
      nh >>>= 0;
      if (comparable && nh === s.namesHash && !many && changed >= 0) {
        sweep = true;
        s.sweptRun = changedName === s.sweptFeature ? s.sweptRun + 1 : 1;
        s.sweptFeature = changedName;
      }
      s.namesHash = nh;
    }

    s.dupBits = ((s.dupBits << 1) | (dup ? 1 : 0)) >>> 0;
    s.sweepBits = ((s.sweepBits << 1) | (sweep ? 1 : 0)) >>> 0;
    s.n++;

    // Logprobs per hour.
    const lpNow = this.countLogprobs(s, event);

    // Only a query that is itself part of the pattern raises a finding, so the last 32
    // queries of a probe that ended do not accuse the principal's next ordinary ones.
    const found =
      dup || sweep || event.logprobs_requested === true ? this.judge(s, event, lpNow, dup, sweep) : null;
    if (found !== null) for (let i = 1; i < found.length; i++) ctx.emit(found[i] as Finding);
    const finding = found?.[0] ?? null;
    // Long-run rates learn after judging, so the present is tested against the past.
    s.dupRate += RATE_ALPHA * ((dup ? 1 : 0) - s.dupRate);
    s.sweepRate += RATE_ALPHA * ((sweep ? 1 : 0) - s.sweepRate);
    return finding;
  }

  /** The model's running feature statistics (for standardising), learned from this event. */
  private centre(event: InferenceEvent): ModelCentre {
    let c = this.models.get(event.model_id);
    if (c === undefined) {
      c = { v: 1, dims: 0, pn: 0, pmean: [], pvar: [], names: [], mean: [], sd: [], n: 0 };
      this.models.put(event.model_id, c);
    }
    c.n++;
    const feats = event.input_features;
    if (feats !== undefined && (event.input_embedding === undefined || event.input_embedding.length === 0)) {
      const a = Math.max(0.001, 1 / c.n);
      for (const [name, v] of Object.entries(feats)) {
        let i = c.names.indexOf(name);
        if (i < 0) {
          if (c.names.length >= 64) continue;
          i = c.names.push(name) - 1;
          c.mean.push(v);
          c.sd.push(0);
        }
        const d = v - (c.mean[i] as number);
        c.mean[i] = (c.mean[i] as number) + a * d;
        c.sd[i] = Math.sqrt((1 - a) * ((c.sd[i] as number) ** 2 + a * d * d));
      }
    }
    return c;
  }

  /**
   * Writes the query's signature into `this.sig`; false when the query has nothing to
   * project or the model's bucket widths are not learned yet.
   */
  private signature(event: InferenceEvent, c: ModelCentre): boolean {
    let x: ArrayLike<number>;
    const emb = event.input_embedding;
    if (emb !== undefined && emb.length > 0) x = emb;
    else {
      const feats = event.input_features;
      if (feats === undefined || c.names.length === 0) return false;
      const z = this.scratch;
      z.length = c.names.length;
      z.fill(0);
      for (const [name, v] of Object.entries(feats)) {
        const i = c.names.indexOf(name);
        if (i < 0) continue;
        const sd = c.sd[i] as number;
        z[i] = sd > 0 ? (v - (c.mean[i] as number)) / sd : 0;
      }
      x = z;
    }
    if (c.dims !== x.length) {
      c.dims = x.length;
      c.pn = 0;
      c.pmean = new Array<number>(SIGNATURE_PROJECTIONS).fill(0);
      c.pvar = new Array<number>(SIGNATURE_PROJECTIONS).fill(0);
    }
    if (this.projection?.inDims !== x.length)
      this.projection = RandomProjection.of(x.length, SIGNATURE_PROJECTIONS, PROJECTION_SEED);
    this.projection.apply(x, this.proj);
    c.pn++;
    const a = Math.max(0.001, 1 / c.pn);
    for (let j = 0; j < SIGNATURE_PROJECTIONS; j++) {
      const d = (this.proj[j] as number) - (c.pmean[j] as number);
      c.pmean[j] = (c.pmean[j] as number) + a * d;
      c.pvar[j] = (1 - a) * ((c.pvar[j] as number) + a * d * d);
      this.widths[j] = this.config.near_width * Math.sqrt(c.pvar[j] as number);
    }
    if (c.pn < MIN_MODEL_QUERIES) return false;
    pStableSignature(this.proj, this.widths, this.sig);
    return true;
  }

  private countLogprobs(s: ProbeState, event: InferenceEvent): number {
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

  private judge(
    s: ProbeState,
    event: InferenceEvent,
    lp: number,
    dup: boolean,
    sweep: boolean,
  ): Finding[] | null {
    const cfg = this.config;
    const minCount = Math.ceil(cfg.min_share * RING);
    let dupSurprise = 0;
    let sweepSurprise = 0;
    let lpSurprise = 0;
    const dups = popCount32(s.dupBits);
    const sweeps = popCount32(s.sweepBits);
    if (s.n >= RING) {
      if (dup && dups >= minCount) dupSurprise = ringSurprise(dups, Math.max(cfg.rate_floor, s.dupRate));
      if (sweep && sweeps >= minCount)
        sweepSurprise = ringSurprise(sweeps, Math.max(cfg.rate_floor, s.sweepRate));
    }
    const learned = event.ts - s.first >= cfg.own_learning_hours * HOUR_MS;
    const lpLevel = learned ? s.lpLevel : 0;
    const lpBar = Math.max(cfg.min_logprobs_per_hour, cfg.logprobs_factor * lpLevel);
    if (event.logprobs_requested === true && lp >= lpBar)
      lpSurprise = Math.min(30, 6 + 10 * Math.log10(lp / lpBar + 1));
    const min = cfg.min_surprise;
    if (sweepSurprise < min && lpSurprise < min && dupSurprise < min) return null; // no array per quiet call
    const kinds: Array<[Signal, number]> = [];
    if (sweepSurprise >= cfg.min_surprise) kinds.push(['sweep', sweepSurprise]);
    if (lpSurprise >= cfg.min_surprise) kinds.push(['logprobs', lpSurprise]);
    if (dupSurprise >= cfg.min_surprise) kinds.push(['near_duplicates', dupSurprise]);
    if (kinds.length === 0) return null;

    const signals: string[] = [];
    if (dupSurprise >= cfg.min_surprise)
      signals.push(`${dups} of its last ${RING} queries were near-duplicates`);
    if (sweepSurprise >= cfg.min_surprise)
      signals.push(
        `${sweeps} of its last ${RING} queries changed one feature only (${s.sweptFeature}, ${s.sweptRun} in a row)`,
      );
    if (lpSurprise >= cfg.min_surprise)
      signals.push(`${lp} full-probability requests in the last hour (own level ${fmt(lpLevel)} an hour)`);
    const evidence = {
      window: `last ${RING} queries of the principal on the model; logprobs over the last 60 min`,
      near_duplicates: dups,
      near_duplicate_rate_own: round(s.dupRate, 4),
      one_feature_steps: sweeps,
      swept_feature: sweeps > 0 ? s.sweptFeature : null,
      one_feature_step_rate_own: round(s.sweepRate, 4),
      logprobs_last_hour: lp,
      logprobs_level_own: round(lpLevel, 3),
      model: event.model_id,
    };
    // One finding per signal, each its own episode: a probe that starts while another
    // pattern of the same principal is still alerting is a new alert, not an update.
    return kinds.map(([kind, surprise]) => {
      const score = Math.min(100, 50 + 2 * surprise + 5 * (signals.length - 1));
      const severity: Severity = score >= 85 ? 'high' : 'medium';
      return {
        entity: { type: 'principal', id: event.principal },
        severity,
        score,
        title: `${SIGNAL_TITLE[kind]}: probing of ${event.model_id} by ${event.principal}`,
        description: `${event.principal} is probing ${event.model_id}: ${signals.join('; ')}.`,
        explanation: {
          statistic: SIGNAL_STATISTIC[kind],
          observed: kind === 'sweep' ? sweeps : kind === 'near_duplicates' ? dups : lp,
          expected:
            kind === 'sweep'
              ? round(RING * Math.max(cfg.rate_floor, s.sweepRate), 3)
              : kind === 'near_duplicates'
                ? round(RING * Math.max(cfg.rate_floor, s.dupRate), 3)
                : round(lpLevel, 3),
          threshold:
            kind === 'logprobs'
              ? round(lpBar, 3)
              : `≥ ${minCount} of ${RING} and tail ≤ 1e-${cfg.min_surprise}`,
          expected_range: [0, kind === 'logprobs' ? round(lpBar, 3) : minCount - 1],
          surprise_log10: round(surprise, 2),
          ...evidence,
        },
        techniques: ['AML.T0024.002', 'AML.T0040'],
        episodeKey: `${event.model_id}|${kind}`,
      };
    });
  }
}

type Signal = 'sweep' | 'logprobs' | 'near_duplicates';

const SIGNAL_TITLE: Record<Signal, string> = {
  sweep: 'One-feature sweep',
  logprobs: 'Full-probability harvesting',
  near_duplicates: 'Near-duplicate queries',
};

const SIGNAL_STATISTIC: Record<Signal, string> = {
  sweep: 'one-feature-step count among the last 32 queries, binomial tail vs own rate',
  logprobs: 'full-probability requests in the last hour vs own hourly level',
  near_duplicates: 'p-stable LSH near-duplicate count among the last 32 queries, binomial tail vs own rate',
};

/** Binomial surprise of k marked queries in the ring at rate p; at or below RING·p, none. */
function ringSurprise(k: number, p: number): number {
  return k > RING * p ? binomialSurprise(k, RING, p) : 0;
}

/** FNV-1a over a name and a separator, continuing from `h`. */
function hashInto(h: number, name: string): number {
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return Math.imul(h ^ 0x1f, 0x01000193);
}

function newState(t: number): ProbeState {
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

export const extractionProbing = defineDetector({
  id: 'inference.extraction.probing',
  eventType: 'inference',
  category: 'extraction',
  description:
    'Systematic probing: many near-identical queries (p-stable LSH), one-feature-at-a-time sweeps, many full-probability requests.',
  config: {
    near_width: z
      .number()
      .gt(0)
      .default(0.3)
      .describe(
        'Bucket width of each LSH projection, as a multiple of the model’s spread of that projection: queries much closer than this are near-duplicates.',
      ),
    near_buckets: z
      .number()
      .int()
      .min(8)
      .max(16)
      .default(14)
      .describe('Buckets (of 16) two queries must share to count as near-duplicates.'),
    min_share: z
      .number()
      .gt(0)
      .max(1)
      .default(0.5)
      .describe(
        'Share of the last 32 queries that must be near-duplicates (or one-feature steps) for a finding.',
      ),
    rate_floor: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.02)
      .describe('Lowest own near-duplicate / one-feature-step rate assumed in the binomial test.'),
    min_surprise: z
      .number()
      .min(0)
      .default(6)
      .describe('−log10 of the tail probability a signal needs (6 = one in a million).'),
    min_logprobs_per_hour: z
      .number()
      .int()
      .min(1)
      .default(60)
      .describe('Full-probability requests in the last hour below which that signal is quiet.'),
    logprobs_factor: z
      .number()
      .gt(1)
      .default(5)
      .describe('… and the multiple of the principal’s own hourly level they must exceed.'),
    own_learning_hours: z
      .number()
      .min(0)
      .default(24)
      .describe(
        'Hours after a principal’s first request before its own logprobs level is trusted (before, it counts as 0).',
      ),
  },
  create: (config, state) => new ProbingDetector(config, state),
});
