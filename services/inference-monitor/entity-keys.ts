/**
 * Keyed-state keys of the inference detectors, built once per entity and reused.
 *
 * Why a cache: a key built per event (`${a}|${b}`) is a fresh cons string that the
 * store's Map must flatten and hash on every lookup, and four detectors look up the same
 * principal × model for each event. Returning one long-lived string per entity turns
 * that into one lookup by the event's own `principal` string (whose hash V8 caches on
 * the string after the first detector), a short chain of that principal's models, and a
 * store lookup by a key whose hash is cached and which is usually the very string the
 * store holds.
 *
 * The cache memoises a pure function, so it changes no result; it is bounded (cleared
 * beyond `MAX_KEYS` entities, then refilled as entities come back).
 */

const MAX_KEYS = 1 << 16;
/** Models cached per principal (the chain is searched linearly). */
const MAX_MODELS_PER_PRINCIPAL = 16;

/** The key of one principal on one model; a principal's keys chain by model. */
interface PrincipalKey {
  model: string;
  key: string;
  next: PrincipalKey | undefined;
}

/** principal → its keys (one lookup by the event's principal, then a short chain). */
const principalKeys = new Map<string, PrincipalKey>();
/** model → version → key. */
const versionKeys = new Map<string, Map<string, string>>();
let cached = 0;

/** `<model length>:<model>|<principal>`: no separator inside an id can make two keys collide. */
export function principalModelKey(principal: string, model: string): string {
  const first = principalKeys.get(principal);
  let depth = 0;
  for (let k = first; k !== undefined; k = k.next, depth++) if (k.model === model) return k.key;
  const key = `${model.length}:${model}|${principal}`;
  if (depth >= MAX_MODELS_PER_PRINCIPAL) return key; // a principal on very many models: the rest uncached
  if (full()) principalKeys.set(principal, { model, key, next: undefined });
  else principalKeys.set(principal, { model, key, next: first });
  return key;
}

/** `<model>@<version>`, the key of a model version's reference. */
export function modelVersionKey(model: string, version: string): string {
  const known = versionKeys.get(model)?.get(version);
  if (known !== undefined) return known;
  const key = `${model}@${version}`;
  full();
  let byVersion = versionKeys.get(model);
  if (byVersion === undefined) {
    byVersion = new Map();
    versionKeys.set(model, byVersion);
  }
  byVersion.set(version, key);
  return key;
}

/** Counts a new key; clears every cache (true) when it is full. */
function full(): boolean {
  if (cached++ < MAX_KEYS) return false;
  principalKeys.clear();
  versionKeys.clear();
  cached = 1;
  return true;
}
