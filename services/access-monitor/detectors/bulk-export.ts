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
import type { AccessEvent } from '../../../shared/events/types.ts';
import { defineDetector, type Detector, type Finding } from '../../../shared/pipeline/detector.ts';
import type { DetectorState, KeyedState } from '../../../shared/pipeline/keyed-state.ts';
import { SENSITIVITY_NAMES, roleOf, sensitivityRank } from '../access-common.ts';
import { bulkExportConfig, type BulkExportConfig } from './bulk-export-config.ts';
import { bulkExportFinding } from './bulk-export-finding.ts';
import {
  A_SLOTS,
  LEN,
  ROLE_LEN,
  SLOTS,
  TYPES,
  classOf,
  opsCodec,
  roleCodec,
  type Baseline,
  type Ops,
} from './bulk-export-state.ts';

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
          finding = bulkExportFinding(
            this.c,
            e,
            role,
            code,
            size,
            useRecords,
            base,
            zscore,
            ratio,
            w,
            cu[0] as number,
          );
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
}

export const bulkExport = defineDetector({
  id: 'access.bulk_export',
  eventType: 'access',
  category: 'exfiltration',
  description:
    "Exports, and bulk reads of vector indexes, feature stores, datasets and model artifacts, far above the principal's normal size, weighted by sensitivity.",
  config: bulkExportConfig,
  create: (config, state) => new BulkExportDetector(config, state),
});
