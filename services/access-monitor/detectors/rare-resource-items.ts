/**
 * access.rare_resource's items: what an access to a resource adds to a first-seen set (the
 * resource, its kind, its type, its prefix), as hashes and as bit positions memoised by
 * resource, and the set operations on them that use the memoised positions when the set
 * has the sizes they were computed for.
 */
import type { AccessEvent } from '../../../shared/events/types.ts';
import { bitPositions, hashPair, type AgingBloom } from '../../../shared/stats/aging-bloom.ts';
import type { RareResourceConfig } from './rare-resource-config.ts';

export const HASHES = 4;
const MEMO = 20_000;

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
export interface Items {
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

/** The items of the event's access, memoised by resource (no key string built per event). */
export function itemsOf(c: RareResourceConfig, e: AccessEvent): Items {
  const owner = e.resource_tenant ?? e.tenant;
  const type = e.resource_type ?? 'other';
  const sensitivity = e.sensitivity ?? 'unknown';
  const pBits = c.principal_bits;
  const rBits = c.role_bits;
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
function positionsFor(set: AgingBloom, items: Items, bits: number, role: boolean): Uint32Array | null {
  if (set.bits !== bits || set.hashes !== HASHES) return null;
  return role ? items.roleBits : items.principalBits;
}

/** Whether every item is in the set's current generation. */
export function allInCurrent(set: AgingBloom, items: Items, bits: number, role: boolean): boolean {
  const at = positionsFor(set, items, bits, role);
  const n = items.hashes.length;
  for (let i = 0; i < n; i++) {
    if (!(at === null ? set.inCurrent(items.hashes[i]!) : set.inCurrentAt(at, i * HASHES))) return false;
  }
  return true;
}

/** Whether item `i` is in either generation of the set. */
export function hasItem(set: AgingBloom, items: Items, i: number, bits: number, role: boolean): boolean {
  const at = positionsFor(set, items, bits, role);
  return at === null ? set.contains(items.hashes[i]!) : set.containsAt(at, i * HASHES);
}

/** Adds every item to the set. */
export function addAll(set: AgingBloom, items: Items, bits: number, role: boolean): void {
  const at = positionsFor(set, items, bits, role);
  const n = items.hashes.length;
  for (let i = 0; i < n; i++) {
    if (at === null) set.add(items.hashes[i]!);
    else set.addAt(at, i * HASHES);
  }
}
