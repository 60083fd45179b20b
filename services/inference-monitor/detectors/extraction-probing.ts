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
import type { InferenceEvent } from '../../../shared/events/types.ts';
import {
  defineDetector,
  type Detector,
  type DetectorContext,
  type Finding,
} from '../../../shared/pipeline/detector.ts';
import type { DetectorState, KeyedState } from '../../../shared/pipeline/keyed-state.ts';
import {
  pStableSignature,
  RandomProjection,
  sharesNibbles64,
  SIGNATURE_PROJECTIONS,
} from '../../../shared/stats/random-projection.ts';
import { principalModelKey } from '../entity-keys.ts';
import { PROBING_CONFIG, type ProbingConfig } from './extraction-probing-config.ts';
import { judgeProbe } from './extraction-probing-judge.ts';
import {
  countLogprobs,
  newProbeState,
  probeCodec,
  RING,
  type ModelCentre,
  type ProbeState,
} from './extraction-probing-state.ts';

/** Weight of the newest flag in the long-run near-duplicate and sweep rates (≈ 500 queries). */
const RATE_ALPHA = 0.002;

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
    this.principals = state.keyed('principals', { codec: probeCodec });
    this.models = state.keyed('models', { pinned: true });
  }

  update(event: InferenceEvent, ctx: DetectorContext): Finding | null {
    const t = event.ts;
    const key = principalModelKey(event.principal, event.model_id);
    let s = this.principals.get(key);
    if (s === undefined) {
      s = newProbeState(t);
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
    const lpNow = countLogprobs(s, event);

    // Only a query that is itself part of the pattern raises a finding, so the last 32
    // queries of a probe that ended do not accuse the principal's next ordinary ones.
    const found =
      dup || sweep || event.logprobs_requested === true
        ? judgeProbe(this.config, s, event, lpNow, dup, sweep)
        : null;
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
}

/** FNV-1a over a name and a separator, continuing from `h`. */
function hashInto(h: number, name: string): number {
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return Math.imul(h ^ 0x1f, 0x01000193);
}

export const extractionProbing = defineDetector({
  id: 'inference.extraction.probing',
  eventType: 'inference',
  category: 'extraction',
  description:
    'Systematic probing: many near-identical queries (p-stable LSH), one-feature-at-a-time sweeps, many full-probability requests.',
  config: PROBING_CONFIG,
  create: (config, state) => new ProbingDetector(config, state),
});
