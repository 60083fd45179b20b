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
import { z } from 'zod';
import type { AccessEvent } from '../../../shared/events/types.ts';
import { defineDetector, type Detector, type Finding } from '../../../shared/pipeline/detector.ts';
import type { DetectorState, KeyedState, StateCodec } from '../../../shared/pipeline/keyed-state.ts';
import {
  AgingBloom,
  bitPositions,
  hashPair,
  type AgingBloomState,
} from '../../../shared/stats/aging-bloom.ts';
import {
  DAY_MS,
  HOUR_MS,
  PartitionStart,
  clampScore,
  roleOf,
  sensitivityRank,
  severityOf,
} from '../access-common.ts';
import { arrayText, numberText } from '../state-text.ts';

interface RareResourceConfig {
  novelty: 'resource' | 'prefix';
  learning_hours: number;
  min_active_days: number;
  new_principal_grace_days: number;
  memory_days: number;
  principal_bits: number;
  role_bits: number;
}

const HASHES = 4;
const MEMO = 20_000;

/** Per principal: [first seen, last active day, active days, generation start] and its sets. */
interface Known {
  m: Float64Array;
  set: AgingBloom;
}
interface RoleKnown {
  start: number;
  set: AgingBloom;
}

/** Compact: [first seen, last day, active days, generation start, bits, hashes, added, current, previous]. */
const knownCodec: StateCodec<Known> = {
  encode: (v) => {
    const s = v.set.snapshot();
    return [...v.m, s.bits, s.hashes, s.added, s.current, s.previous];
  },
  encodeText: (v) => {
    const s = v.set.snapshot();
    return arrayText([...v.m, s.bits, s.hashes, s.added], `"${s.current}"`, `"${s.previous}"`);
  },
  decode: (json) => {
    const j = json as [number, number, number, number, number, number, number, string, string];
    const s: AgingBloomState = { v: 1, bits: j[4], hashes: j[5], added: j[6], current: j[7], previous: j[8] };
    return { m: Float64Array.of(j[0], j[1], j[2], j[3]), set: AgingBloom.restore(s) };
  },
};
const roleCodec: StateCodec<RoleKnown> = {
  encode: (v) => ({ t: v.start, s: v.set.snapshot() }),
  encodeText: (v) => {
    const s = v.set.snapshot();
    // Joined, so the kept text is flat (see arrayText).
    return [
      `{"t":${numberText(v.start)}`,
      `"s":{"v":${s.v}`,
      `"bits":${s.bits}`,
      `"hashes":${s.hashes}`,
      `"current":"${s.current}"`,
      `"previous":"${s.previous}"`,
      `"added":${s.added}}}`,
    ].join(',');
  },
  decode: (json) => {
    const j = json as { t: number; s: AgingBloomState };
    return { start: j.t, set: AgingBloom.restore(j.s) };
  },
};

/** The path up to the last "/" or ":" (inclusive), or null for a flat name. */
export function prefixOf(resource: string): string | null {
  const i = Math.max(resource.lastIndexOf('/'), resource.lastIndexOf(':'));
  return i > 0 ? resource.slice(0, i + 1) : null;
}

type Hash = [number, number];

/**
 * The items of an access to one resource — the resource, its kind (owner, type,
 * sensitivity), its type (owner, type) and its prefix — as hashes and as bit positions in
 * filters of the configured sizes (`HASHES` per item), for the owner, type and
 * sensitivity they were computed for.
 */
interface Items {
  owner: string;
  type: string;
  sensitivity: string;
  /** Filter sizes the positions are for. */
  pBits: number;
  rBits: number;
  prefix: string | null;
  hashes: Hash[];
  principalBits: Uint32Array;
  roleBits: Uint32Array;
}

/**
 * Items by resource: a pure function of the strings, so one bounded cache (cleared past
 * `MEMO` entries) serves every partition's detector — not state, it never changes a result.
 */
const ITEMS = new Map<string, Items>();

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

  /** The items of the event's access, memoised by resource (no key string built per event). */
  private items(e: AccessEvent): Items {
    const owner = e.resource_tenant ?? e.tenant;
    const type = e.resource_type ?? 'other';
    const sensitivity = e.sensitivity ?? 'unknown';
    const pBits = this.c.principal_bits;
    const rBits = this.c.role_bits;
    const found = ITEMS.get(e.resource);
    if (
      found !== undefined &&
      found.owner === owner &&
      found.type === type &&
      found.sensitivity === sensitivity &&
      found.pBits === pBits &&
      found.rBits === rBits
    )
      return found;
    const prefix = prefixOf(e.resource);
    const hashes = [
      hashPair(`r:${e.resource}`),
      hashPair(`k:${owner}|${type}|${sensitivity}`),
      hashPair(`t:${owner}|${type}`),
    ];
    if (prefix !== null) hashes.push(hashPair(`p:${prefix}`));
    const principalBits = new Uint32Array(hashes.length * HASHES);
    const roleBits = new Uint32Array(hashes.length * HASHES);
    for (let i = 0; i < hashes.length; i++) {
      bitPositions(hashes[i]!, pBits, HASHES, principalBits, i * HASHES);
      bitPositions(hashes[i]!, rBits, HASHES, roleBits, i * HASHES);
    }
    const items: Items = { owner, type, sensitivity, pBits, rBits, prefix, hashes, principalBits, roleBits };
    if (ITEMS.size >= MEMO) ITEMS.clear();
    ITEMS.set(e.resource, items);
    return items;
  }

  /** The memoised positions of `items` when they fit `set` (a restored set may have another size). */
  private static positions(set: AgingBloom, items: Items, bits: number, role: boolean): Uint32Array | null {
    if (set.bits !== bits || set.hashes !== HASHES) return null;
    return role ? items.roleBits : items.principalBits;
  }

  /** Whether every item is in the set's current generation. */
  private allInCurrent(set: AgingBloom, items: Items, bits: number, role: boolean): boolean {
    const at = RareResourceDetector.positions(set, items, bits, role);
    const n = items.hashes.length;
    for (let i = 0; i < n; i++) {
      if (!(at === null ? set.inCurrent(items.hashes[i]!) : set.inCurrentAt(at, i * HASHES))) return false;
    }
    return true;
  }

  /** Whether item `i` is in either generation of the set. */
  private has(set: AgingBloom, items: Items, i: number, bits: number, role: boolean): boolean {
    const at = RareResourceDetector.positions(set, items, bits, role);
    return at === null ? set.contains(items.hashes[i]!) : set.containsAt(at, i * HASHES);
  }

  private addAll(set: AgingBloom, items: Items, bits: number, role: boolean): void {
    const at = RareResourceDetector.positions(set, items, bits, role);
    const n = items.hashes.length;
    for (let i = 0; i < n; i++) {
      if (at === null) set.add(items.hashes[i]!);
      else set.addAt(at, i * HASHES);
    }
  }

  update(e: AccessEvent): Finding | null {
    const first = this.start.observe(e.ts);
    if (e.outcome !== 'allowed') return null;
    const t = e.ts;
    const role = roleOf(e);
    const items = this.items(e);
    const bits = this.c.principal_bits;

    const peeked = this.known.peek(e.principal);
    if (peeked === undefined) {
      const m = Float64Array.of(t, Math.floor(t / DAY_MS), 1, t);
      const k: Known = { m, set: new AgingBloom(bits, HASHES) };
      this.addAll(k.set, items, bits, false);
      this.known.put(e.principal, k);
      this.teachRole(role, items, t);
      return null;
    }
    const day = Math.floor(t / DAY_MS);
    const newDay = day > (peeked.m[1] as number);
    const stale = t - (peeked.m[3] as number) >= this.memoryMs;
    if (!newDay && !stale && this.allInCurrent(peeked.set, items, bits, false)) return null;

    const k = this.known.get(e.principal)!;
    if (newDay) {
      k.m[1] = day;
      k.m[2] = (k.m[2] as number) + 1;
    }
    if (stale) {
      k.set.rotate();
      k.m[3] = t;
    }
    const resourceNew = !this.has(k.set, items, 0, bits, false);
    let finding: Finding | null = null;
    if (resourceNew && sensitivityRank(e) >= 2) finding = this.judge(e, k, role, items, first);
    this.addAll(k.set, items, bits, false);
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
      this.allInCurrent(peeked.set, items, bits, true)
    )
      return;
    const r = this.roleSet(role, t);
    this.addAll(r.set, items, bits, true);
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
    const roleKnows = (i: number): boolean => r !== undefined && this.has(r.set, items, i, rBits, true);
    if (roleKnows(0)) return null;
    const isNovel = (i: number): boolean =>
      i < items.hashes.length && !this.has(k.set, items, i, pBits, false) && !roleKnows(i);
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
  config: {
    novelty: z
      .enum(['resource', 'prefix'])
      .default('prefix')
      .describe(
        'Least novelty that alerts: a new resource, or a new prefix or owner/type (a new sensitivity of a known type only adds score).',
      ),
    learning_hours: z
      .number()
      .min(0)
      .default(24)
      .describe("Hours a principal must have been seen before it is judged; also the partition's bootstrap."),
    min_active_days: z
      .number()
      .int()
      .min(1)
      .default(2)
      .describe('Days with activity a principal needs before it is judged.'),
    new_principal_grace_days: z
      .number()
      .min(0)
      .default(7)
      .describe(
        'Days a principal first seen after the bootstrap only alerts on restricted kinds new to its role.',
      ),
    memory_days: z
      .number()
      .positive()
      .default(30)
      .describe('Rotation period of the first-seen sets; items are forgotten after 1–2 periods.'),
    principal_bits: z
      .number()
      .int()
      .min(256)
      .max(65536)
      .multipleOf(32)
      .default(768)
      .describe('Bits per generation of a principal first-seen set.'),
    role_bits: z
      .number()
      .int()
      .min(1024)
      .max(1048576)
      .multipleOf(32)
      .default(32768)
      .describe('Bits per generation of a role first-seen set.'),
  },
  create: (config, state) => new RareResourceDetector(config, state),
});
