/**
 * access.rare_resource — a principal touching a confidential or restricted resource that
 * neither it nor its role has touched: not the resource, and not its prefix (the path up
 * to the last "/" or ":") or its type (owner tenant and resource type).
 *
 * Statistic: first-seen sets. Each principal and each role keep the resources, prefixes
 * kinds (owner, type, sensitivity) and types they touched (allowed events) in an aging Bloom filter (shared/stats
 * aging-bloom.ts: two generations rotated every `memory_days`, so anything untouched
 * for two periods is forgotten). An allowed access to a confidential/restricted resource
 * new to both the principal and its role alerts when its prefix or its type is new to
 * both as well (`novelty: prefix`; `novelty: resource` alerts on a new resource alone).
 * Score by sensitivity (restricted above confidential), `secret` resources highest, and
 * by how much is new (type > prefix > sensitivity of a known type > resource).
 * Learning: a principal is judged once it has been seen for `learning_hours` on at least
 * `min_active_days` days. Principals that appear after the partition's first
 * `learning_hours` are new accounts (a new hire, a new job): for `new_principal_grace_days`
 * they alert only on a restricted resource of a type their role never touches.
 * Role sets are learned per partition from the principals of the role that partition
 * sees (events are keyed by principal). An access that alerts does not teach the role.
 * Error: a Bloom false positive makes a new item look known — a missed alert, never a
 * false one. Per principal 2 × 768 bits with 4 hashes: 0.28 % at 50 items, 2.7 % at
 * 100 (four items per resource at most); per role 2 × 32768 bits: 1 % at ~3,400 items.
 * State per principal ≈ 375 B encoded, written when something new is touched and once
 * per active day; per role ≈ 11 KB, written on novelty only. Cost per event: one cache
 * lookup by resource (its item hashes and bit positions are computed once per resource,
 * not per event) and up to 16 bit tests.
 */
import type { AccessEvent } from '../../../shared/events/types.ts';
import { defineDetector, type Detector, type Finding } from '../../../shared/pipeline/detector.ts';
import type { DetectorState, KeyedState } from '../../../shared/pipeline/keyed-state.ts';
import { AgingBloom } from '../../../shared/stats/aging-bloom.ts';
import {
  DAY_MS,
  HOUR_MS,
  PartitionStart,
  clampScore,
  roleOf,
  sensitivityRank,
  severityOf,
} from '../access-common.ts';
import { rareResourceConfig, type RareResourceConfig } from './rare-resource-config.ts';
import { HASHES, addAll, allInCurrent, hasItem, itemsOf, type Items } from './rare-resource-items.ts';
import { knownCodec, roleCodec, type Known, type RoleKnown } from './rare-resource-state.ts';

class RareResourceDetector implements Detector<AccessEvent> {
  private readonly known: KeyedState<Known>;
  private readonly roles: KeyedState<RoleKnown>;
  private readonly start: PartitionStart;
  private readonly memoryMs: number;

  constructor(
    private readonly c: RareResourceConfig,
    state: DetectorState,
  ) {
    this.known = state.keyed('principal', { codec: knownCodec });
    this.roles = state.keyed('role', { codec: roleCodec });
    this.start = new PartitionStart(state);
    this.memoryMs = c.memory_days * DAY_MS;
  }

  update(e: AccessEvent): Finding | null {
    const first = this.start.observe(e.ts);
    if (e.outcome !== 'allowed') return null;
    const t = e.ts;
    const role = roleOf(e);
    const items = itemsOf(this.c, e);
    const bits = this.c.principal_bits;

    const peeked = this.known.peek(e.principal);
    if (peeked === undefined) {
      const m = Float64Array.of(t, Math.floor(t / DAY_MS), 1, t);
      const k: Known = { m, set: new AgingBloom(bits, HASHES) };
      addAll(k.set, items, bits, false);
      this.known.put(e.principal, k);
      this.teachRole(role, items, t);
      return null;
    }
    const day = Math.floor(t / DAY_MS);
    const newDay = day > (peeked.m[1] as number);
    const stale = t - (peeked.m[3] as number) >= this.memoryMs;
    if (!newDay && !stale && allInCurrent(peeked.set, items, bits, false)) return null;

    const k = this.known.get(e.principal)!;
    if (newDay) {
      k.m[1] = day;
      k.m[2] = (k.m[2] as number) + 1;
    }
    if (stale) {
      k.set.rotate();
      k.m[3] = t;
    }
    const resourceNew = !hasItem(k.set, items, 0, bits, false);
    let finding: Finding | null = null;
    if (resourceNew && sensitivityRank(e) >= 2) finding = this.judge(e, k, role, items, first);
    addAll(k.set, items, bits, false);
    if (finding === null) this.teachRole(role, items, t);
    return finding;
  }

  private roleSet(role: string, t: number): RoleKnown {
    let r = this.roles.get(role);
    if (r === undefined)
      this.roles.put(role, (r = { start: t, set: new AgingBloom(this.c.role_bits, HASHES) }));
    if (t - r.start >= this.memoryMs) {
      r.set.rotate();
      r.start = t;
    }
    return r;
  }

  private teachRole(role: string, items: Items, t: number): void {
    const bits = this.c.role_bits;
    const peeked = this.roles.peek(role);
    if (
      peeked !== undefined &&
      t - peeked.start < this.memoryMs &&
      allInCurrent(peeked.set, items, bits, true)
    )
      return;
    const r = this.roleSet(role, t);
    addAll(r.set, items, bits, true);
  }

  private judge(
    e: AccessEvent,
    k: Known,
    role: string,
    items: Items,
    partitionFirst: number,
  ): Finding | null {
    const t = e.ts;
    const r = this.roles.peek(role);
    const pBits = this.c.principal_bits;
    const rBits = this.c.role_bits;
    const roleKnows = (i: number): boolean => r !== undefined && hasItem(r.set, items, i, rBits, true);
    if (roleKnows(0)) return null;
    const isNovel = (i: number): boolean =>
      i < items.hashes.length && !hasItem(k.set, items, i, pBits, false) && !roleKnows(i);
    const kindNew = isNovel(1);
    const typeNew = isNovel(2);
    const prefix = items.prefix;
    const kind = `${items.owner}|${items.type}|${items.sensitivity}`;
    const prefixNew = prefix !== null && isNovel(3);
    const firstSeen = k.m[0] as number;
    const learningMs = this.c.learning_hours * HOUR_MS;
    const isNew = firstSeen - partitionFirst >= learningMs;
    const restricted = sensitivityRank(e) >= 3;
    if (isNew && t - firstSeen < this.c.new_principal_grace_days * DAY_MS) {
      // A new account: only a restricted resource of a type its role never touches.
      if (!(typeNew && restricted)) return null;
    } else {
      if (t - firstSeen < learningMs || (k.m[2] as number) < this.c.min_active_days) return null;
      if (this.c.novelty === 'prefix' && !typeNew && !prefixNew) return null;
    }
    const secret = e.resource_type === 'secret';
    const score = clampScore(
      (restricted ? 70 : 55) +
        (secret ? 15 : 0) +
        (typeNew ? 10 : 0) +
        (prefixNew ? 5 : 0) +
        (kindNew ? 5 : 0),
    );
    const type = kind.slice(0, kind.lastIndexOf('|'));
    const what = typeNew
      ? `type ${type}`
      : prefixNew
        ? `prefix ${prefix}`
        : kindNew
          ? `kind ${kind}`
          : 'resource';
    const novelty = typeNew ? 'type' : prefixNew ? 'prefix' : kindNew ? 'kind' : 'resource';
    const days = (t - firstSeen) / DAY_MS;
    return {
      entity: { type: 'principal', id: e.principal },
      severity: severityOf(score),
      score,
      title: `${secret ? 'Secret' : 'Rare resource'} ${e.resource} touched by ${e.principal}`,
      description:
        `${e.principal} (role ${role}) ${e.action} ${e.sensitivity} ${e.resource_type ?? 'resource'} ${e.resource}: ` +
        `the ${what} is new to it (seen for ${days.toFixed(1)} days) and to its role; expected none of its first-seen sets to miss it.`,
      explanation: {
        statistic:
          'first-seen sets of resource, prefix and kind (aging Bloom filters) of the principal and its role',
        observed: e.resource,
        expected: 'a resource, prefix or kind the principal or its role has touched',
        threshold: `new to principal and role: ${this.c.novelty === 'prefix' ? 'its prefix or owner/type' : 'the resource'}`,
        window: `principal seen ${days.toFixed(1)} days; sets remember ${this.c.memory_days}–${2 * this.c.memory_days} days`,
        novelty,
        prefix,
        kind,
        sensitivity: e.sensitivity,
        resource_type: e.resource_type,
        role,
        action: e.action,
        principal_set_false_positive_rate: k.set.falsePositiveRate(),
        new_principal: isNew,
      },
      techniques: secret ? ['T1555.006', 'T1078'] : ['T1213', 'T1078'],
      episodeKey: prefix ?? e.resource,
    };
  }
}

export const rareResource = defineDetector({
  id: 'access.rare_resource',
  eventType: 'access',
  category: 'access',
  description:
    'A principal touching a confidential or restricted resource (or prefix, or kind) that neither it nor its role has touched.',
  config: rareResourceConfig,
  create: (config, state) => new RareResourceDetector(config, state),
});
