/**
 * Keyed-state keys of the inference detectors, built once per entity and reused.
 *
 * Why a cache: a key built per event (`${a}|${b}`) is a fresh cons string that the
 * store's Map must flatten and hash on every lookup, and four detectors look up the same
 * principal × model for each event. Returning one long-lived string per entity turns
 * that into two lookups by the event's own `model_id` and `principal` strings (whose
 * hashes V8 caches on the string after the first detector) and a store lookup by a key
 * whose hash is cached and which is usually the very string the store holds.
 *
 * The cache memoises a pure function, so it changes no result; it is bounded (cleared
 * beyond `MAX_KEYS` entities, then refilled as entities come back).
 */

const MAX_KEYS = 1 << 16;

/** model → principal → key, and model → version → key. */
const principalKeys = new Map<string, Map<string, string>>();
const versionKeys = new Map<string, Map<string, string>>();
let cached = 0;

/** `<model length>:<model>|<principal>`: no separator inside an id can make two keys collide. */
export function principalModelKey(principal: string, model: string): string {
  const known = principalKeys.get(model)?.get(principal);
  if (known !== undefined) return known;
  return remember(principalKeys, model, principal, `${model.length}:${model}|${principal}`);
}

/** `<model>@<version>`, the key of a model version's reference. */
export function modelVersionKey(model: string, version: string): string {
  const known = versionKeys.get(model)?.get(version);
  if (known !== undefined) return known;
  return remember(versionKeys, model, version, `${model}@${version}`);
}

function remember(
  outer: Map<string, Map<string, string>>,
  first: string,
  second: string,
  key: string,
): string {
  if (cached >= MAX_KEYS) {
    principalKeys.clear();
    versionKeys.clear();
    cached = 0;
  }
  let m = outer.get(first);
  if (m === undefined) {
    m = new Map();
    outer.set(first, m);
  }
  m.set(second, key);
  cached++;
  return key;
}
