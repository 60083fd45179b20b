/**
 * access.bulk_export — exports, and bulk reads of vector indexes, feature stores,
 * datasets and model artifacts, far larger than the principal's normal, weighted by the
 * data's sensitivity.
 *
 * Statistic: a one-sided CUSUM (Page 1954) over the size of each operation. Operations
 * are classed by (action, resource type) — `export` of anything, `read`/`query` of the
 * four bulk types; each principal keeps, per class, an exponentially weighted mean and
 * variance of log10 bytes per operation (records when an event has no bytes). An
 * operation's z-score is against its class, or — for a class the principal has not used
 * enough (an agent's first export of an index it only ever queried) — against the
 * principal's reads of the same type, else its role's class; the spread is shrunk
 * towards the role's within-principal spread; evidence against a role baseline counts
 * `role_evidence_weight` (a new account is judged, but less readily). The CUSUM adds
 * `weight(sensitivity) × max(0, z − allowance_sd)` and decays with `half_life_minutes`;
 * it alerts when it reaches `threshold` and the operation itself is at least
 * `min_ratio` × the class's typical size. One enormous export alerts at once; a chunked
 * export alerts after a few large chunks; normal variation (z of 2–3) never accumulates.
 * Role baselines are learned per partition from the principals of the role it sees.
 * State per principal: one value of 8 class slots (≈ 250 B encoded), written per bulk
 * operation; per role and class one tiny value. Cost per event: O(slots).
 */
import { z } from 'zod';
import { RESOURCE_TYPES, type AccessEvent, type ResourceType } from '../../../shared/events/types.ts';
import { defineDetector, type Detector, type Finding } from '../../../shared/pipeline/detector.ts';
import type { DetectorState, KeyedState, StateCodec } from '../../../shared/pipeline/keyed-state.ts';
import { packArray, unpackF32, unpackF64 } from '../../../shared/stats/packed.ts';
import {
  SENSITIVITY_NAMES,
  clampScore,
  fmt,
  fmtBytes,
  roleOf,
  sensitivityRank,
  severityOf,
} from '../access-common.ts';
import { arrayText, packedText } from '../state-text.ts';

interface BulkExportConfig {
  bulk_types: string[];
  allowance_sd: number;
  threshold: number;
  min_ratio: number;
  min_ops: number;
  min_role_ops: number;
  role_evidence_weight: number;
  prior_ops: number;
  half_life_minutes: number;
  memory_ops: number;
  sensitivity_weights: { public: number; internal: number; confidential: number; restricted: number };
}

const TYPES = RESOURCE_TYPES;
const ACTIONS = ['read', 'query', 'export'] as const;
const SLOTS = 8;
/** Per principal, per slot: class code, n, mean, variance (and the CUSUM beside them). */
const A_SLOTS = 0;
const LEN = A_SLOTS + 4 * SLOTS;
/** Per role and class: [n, mean, variance, n within, within-principal variance]. */
const ROLE_LEN = 5;

/** The CUSUM and its time need float64; the class slots are float32 (codes and counts exact). */
interface Ops {
  c: Float64Array;
  a: Float32Array;
}
const opsCodec: StateCodec<Ops> = {
  encode: (v) => [v.c[0], v.c[1], packArray(v.a)],
  encodeText: (v) => arrayText(v.c, packedText(v.a)),
  decode: (json) => {
    const [s, t, a] = json as [number, number, string];
    return { c: Float64Array.of(s, t), a: unpackF32(a, LEN) };
  },
};
const roleCodec: StateCodec<Float64Array> = {
  encode: (v) => packArray(v),
  encodeText: packedText,
  decode: (json) => unpackF64(json as string, ROLE_LEN),
};

/** Class code ≥ 1: action × type, +32 when the size is in records. */
function classOf(action: string, type: ResourceType, records: boolean): number {
  const ai = ACTIONS.indexOf(action as (typeof ACTIONS)[number]);
  return 1 + ai * TYPES.length + TYPES.indexOf(type) + (records ? 32 : 0);
}

function className(code: number): string {
  const c = code - 1;
  const records = c >= 32;
  const k = c % 32;
  return `${ACTIONS[Math.floor(k / TYPES.length)]} ${TYPES[k % TYPES.length]}${records ? ' (records)' : ''}`;
}

interface Baseline {
  mean: number;
  sd: number;
  source: 'own' | 'own reads of the type' | 'role';
  n: number;
}

class BulkExportDetector implements Detector<AccessEvent> {
  private readonly bulk: ReadonlySet<string>;
  private readonly ops: KeyedState<Ops>;
  private readonly roles: KeyedState<Float64Array>;
  private readonly weights: readonly number[];

  constructor(
    private readonly c: BulkExportConfig,
    state: DetectorState,
  ) {
    this.bulk = new Set(c.bulk_types);
    this.ops = state.keyed('ops', { codec: opsCodec });
    this.roles = state.keyed('role', { codec: roleCodec });
    this.weights = SENSITIVITY_NAMES.map((s) => c.sensitivity_weights[s]);
  }

  update(e: AccessEvent): Finding | null {
    if (e.outcome !== 'allowed') return null;
    const type = e.resource_type ?? 'other';
    const isExport = e.action === 'export';
    if (!isExport && !((e.action === 'read' || e.action === 'query') && this.bulk.has(type))) return null;
    const useRecords = !(e.bytes !== undefined && e.bytes > 0);
    const size = useRecords ? (e.records ?? 0) : (e.bytes as number);
    if (!(size > 0)) return null;
    const x = Math.log10(size);
    const code = classOf(e.action, type, useRecords);
    const role = roleOf(e);
    const roleKey = this.roleKey(role, code);
    let ops = this.ops.get(e.principal);
    if (ops === undefined) {
      ops = { c: Float64Array.of(0, e.ts), a: new Float32Array(LEN) };
      this.ops.put(e.principal, ops);
    }
    const a = ops.a;
    const cu = ops.c;
    const slot = this.slotOf(a, code);
    // Read for writing: learn() always teaches the role (one lookup for both).
    const roleStats = this.roles.get(roleKey);
    const base = this.baseline(a, slot, code, roleStats, useRecords);

    // Decay the CUSUM to now and add this operation's evidence.
    const dt = Math.max(0, e.ts - (cu[1] as number));
    // 0.5^0 is exactly 1: the power is only worth computing when time moved.
    if (dt > 0) cu[0] = (cu[0] as number) * Math.pow(0.5, dt / (this.c.half_life_minutes * 60_000));
    cu[1] = Math.max(cu[1] as number, e.ts);
    let zscore = 0;
    let finding: Finding | null = null;
    if (base !== null) {
      zscore = (x - base.mean) / base.sd;
      // A role's baseline mixes many principals: evidence against it counts `role_evidence_weight`.
      const w =
        (this.weights[sensitivityRank(e)] as number) *
        (base.source === 'role' ? this.c.role_evidence_weight : 1);
      cu[0] = (cu[0] as number) + w * Math.max(0, zscore - this.c.allowance_sd);
      if ((cu[0] as number) >= this.c.threshold && zscore > this.c.allowance_sd) {
        const ratio = Math.pow(10, x - base.mean);
        if (ratio >= this.c.min_ratio)
          finding = this.finding(e, role, code, size, useRecords, base, zscore, ratio, w, cu[0] as number);
      }
    }
    this.learn(a, slot, x, roleKey, roleStats, base, zscore);
    return finding;
  }

  /**
   * `<role>|<code>`, built once per role and class: a key made per event would be a new
   * string to flatten and hash on every lookup.
   */
  private readonly roleKeys = new Map<string, string[]>();
  private roleKey(role: string, code: number): string {
    let keys = this.roleKeys.get(role);
    if (keys === undefined) {
      // Bounded like a memo, not state: roles are few, but a role name comes from the event.
      if (this.roleKeys.size >= 10_000) this.roleKeys.clear();
      this.roleKeys.set(role, (keys = []));
    }
    return (keys[code] ??= `${role}|${code}`);
  }

  /** The slot of `code`, or the least used one, cleared for it. */
  private slotOf(a: Float32Array, code: number): number {
    let best = 0;
    let bestN = Number.POSITIVE_INFINITY;
    for (let s = 0; s < SLOTS; s++) {
      const at = A_SLOTS + 4 * s;
      if (a[at] === code) return s;
      const n = a[at] === 0 ? -1 : (a[at + 1] as number);
      if (n < bestN) {
        bestN = n;
        best = s;
      }
    }
    const at = A_SLOTS + 4 * best;
    a[at] = code;
    a[at + 1] = 0;
    a[at + 2] = 0;
    a[at + 3] = 0;
    return best;
  }

  private baseline(
    a: Float32Array,
    slot: number,
    code: number,
    role: Float64Array | undefined,
    records: boolean,
  ): Baseline | null {
    const roleWithin = role !== undefined && (role[3] as number) >= 20 ? (role[4] as number) : 0.09;
    const at = A_SLOTS + 4 * slot;
    const n = a[at + 1] as number;
    if (n >= this.c.min_ops)
      return {
        mean: a[at + 2] as number,
        sd: this.shrink(n, a[at + 3] as number, roleWithin),
        source: 'own',
        n,
      };
    // An export class the principal has not used enough: its largest reads or queries of the type.
    const k = (code - 1) % 32;
    if (Math.floor(k / TYPES.length) === 2) {
      let found: Baseline | null = null;
      for (const ai of [0, 1]) {
        const other = 1 + ai * TYPES.length + (k % TYPES.length) + (records ? 32 : 0);
        for (let s = 0; s < SLOTS; s++) {
          const o = A_SLOTS + 4 * s;
          if (a[o] !== other || (a[o + 1] as number) < this.c.min_ops) continue;
          if (found === null || (a[o + 2] as number) > found.mean) {
            found = {
              mean: a[o + 2] as number,
              sd: this.shrink(a[o + 1] as number, a[o + 3] as number, roleWithin),
              source: 'own reads of the type',
              n: a[o + 1] as number,
            };
          }
        }
      }
      if (found !== null) return found;
    }
    if (role !== undefined && (role[0] as number) >= this.c.min_role_ops) {
      return {
        mean: role[1] as number,
        sd: Math.max(0.15, Math.sqrt(role[2] as number)),
        source: 'role',
        n: role[0] as number,
      };
    }
    return null;
  }

  /** The sd of a principal's class of `n` operations and variance `v`, shrunk towards the role's within-principal spread. */
  private shrink(n: number, v: number, roleWithin: number): number {
    const n0 = this.c.prior_ops;
    return Math.max(0.15, Math.sqrt((n * v + n0 * roleWithin) / (n + n0)));
  }

  /** Teaches the principal's class and the role's, clipping outliers so an attack teaches little. */
  private learn(
    a: Float32Array,
    slot: number,
    x: number,
    roleKey: string,
    roleStats: Float64Array | undefined,
    base: Baseline | null,
    zscore: number,
  ): void {
    const at = A_SLOTS + 4 * slot;
    const clip =
      base !== null && zscore > this.c.allowance_sd ? base.mean + this.c.allowance_sd * base.sd : x;
    const n = Math.min((a[at + 1] as number) + 1, 1e6);
    const prevMean = a[at + 2] as number;
    const hadOwn = (a[at + 1] as number) >= this.c.min_ops;
    a[at + 1] = n;
    if (n <= 1) {
      a[at + 2] = clip;
      a[at + 3] = 0;
    } else {
      const w = Math.max(1 / n, 1 / this.c.memory_ops);
      const d = clip - (a[at + 2] as number);
      a[at + 2] = (a[at + 2] as number) + w * d;
      a[at + 3] = (1 - w) * ((a[at + 3] as number) + w * d * d);
    }
    let r = roleStats;
    if (r === undefined) this.roles.put(roleKey, (r = new Float64Array(ROLE_LEN)));
    const rn = (r[0] as number) + 1;
    r[0] = rn;
    const rw = Math.max(1 / rn, 1 / 20_000);
    if (rn <= 1) r[1] = clip;
    else {
      const d = clip - (r[1] as number);
      r[1] = (r[1] as number) + rw * d;
      r[2] = (1 - rw) * ((r[2] as number) + rw * d * d);
    }
    if (hadOwn) {
      const m = (r[3] as number) + 1;
      r[3] = m;
      r[4] = (r[4] as number) + Math.max(1 / m, 1 / 20_000) * ((clip - prevMean) ** 2 - (r[4] as number));
    }
  }

  private finding(
    e: AccessEvent,
    role: string,
    code: number,
    size: number,
    records: boolean,
    base: Baseline,
    zscore: number,
    ratio: number,
    weight: number,
    cusum: number,
  ): Finding {
    const sensitivity = e.sensitivity ?? 'internal';
    const score = clampScore(
      50 + 3 * (cusum - this.c.threshold) + 8 * Math.log10(ratio) + 6 * sensitivityRank(e),
    );
    const show = (v: number): string => (records ? `${fmt(v)} records` : fmtBytes(v));
    const expected = Math.pow(10, base.mean);
    const upper = Math.pow(10, base.mean + this.c.allowance_sd * base.sd);
    const verb = e.action === 'export' ? 'exported' : e.action === 'query' ? 'queried' : 'read';
    return {
      entity: { type: 'principal', id: e.principal },
      severity: severityOf(score),
      score,
      title: `Bulk ${e.action === 'export' ? 'export' : 'read'} of ${e.resource} by ${e.principal}`,
      description:
        `${e.principal} (role ${role}) ${verb} ${show(size)} of ${sensitivity} ${e.resource_type ?? 'resource'} ${e.resource}, ` +
        `${fmt(ratio)}× its typical ${className(code)} of ${show(expected)} (z = ${fmt(zscore)} against ${base.source}); ` +
        `weighted CUSUM ${fmt(cusum)} ≥ ${this.c.threshold}.`,
      explanation: {
        statistic:
          'sensitivity-weighted one-sided CUSUM of z-scores of log10 size per operation, by action and resource type',
        observed: size,
        expected,
        expected_range: [0, upper],
        threshold: `CUSUM >= ${this.c.threshold} (allowance ${this.c.allowance_sd} sd), op >= ${this.c.min_ratio}x typical`,
        window: `CUSUM half-life ${this.c.half_life_minutes} min; baseline ${base.source} over ${Math.round(base.n)} operations`,
        z: zscore,
        cusum,
        ratio,
        sensitivity_weight: weight,
        class: className(code),
        baseline_source: base.source,
        unit: records ? 'records' : 'bytes',
        role,
        resource: e.resource,
      },
      techniques: e.action === 'export' ? ['T1530', 'T1567'] : ['T1530', 'T1213'],
      episodeKey: e.resource,
    };
  }
}

export const bulkExport = defineDetector({
  id: 'access.bulk_export',
  eventType: 'access',
  category: 'exfiltration',
  description:
    "Exports, and bulk reads of vector indexes, feature stores, datasets and model artifacts, far above the principal's normal size, weighted by sensitivity.",
  config: {
    bulk_types: z
      .array(z.enum(RESOURCE_TYPES))
      .default(['vector_index', 'feature_store', 'dataset', 'model_artifact'])
      .describe(
        'Resource types whose reads and queries count as bulk reads (exports of any type always count).',
      ),
    allowance_sd: z.number().min(0).default(3).describe('CUSUM allowance: z-scores up to this add nothing.'),
    threshold: z
      .number()
      .positive()
      .default(8)
      .describe('CUSUM level that alerts (in weighted standard deviations).'),
    min_ratio: z
      .number()
      .min(1)
      .default(20)
      .describe('The operation must also be at least this many times the typical size.'),
    min_ops: z
      .number()
      .int()
      .min(2)
      .default(10)
      .describe("Operations of a class before the principal's own baseline is used."),
    min_role_ops: z
      .number()
      .int()
      .min(2)
      .default(100)
      .describe("Operations of a class the role needs before its baseline stands in for a principal's."),
    role_evidence_weight: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe(
        "Weight of CUSUM evidence when the baseline is the role's (a principal without its own history).",
      ),
    learning_minutes: z
      .number()
      .min(0)
      .default(720)
      .describe(
        "Event-time minutes after the partition's first event during which findings are dropped (baselines form).",
      ),
    prior_ops: z
      .number()
      .positive()
      .default(10)
      .describe("Weight of the role's spread in a principal's, in pseudo-operations."),
    half_life_minutes: z
      .number()
      .positive()
      .default(30)
      .describe('Half-life of the CUSUM, minutes: evidence spread over days does not add up.'),
    memory_ops: z.number().min(2).default(500).describe('Memory of the per-class baselines, in operations.'),
    sensitivity_weights: z
      .strictObject({
        public: z.number().min(0).default(0.5),
        internal: z.number().min(0).default(1),
        confidential: z.number().min(0).default(1.5),
        restricted: z.number().min(0).default(2),
      })
      .default({ public: 0.5, internal: 1, confidential: 1.5, restricted: 2 })
      .describe("Multiplier of the CUSUM increment by the data's sensitivity."),
  },
  create: (config, state) => new BulkExportDetector(config, state),
});
