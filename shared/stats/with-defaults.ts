/**
 * Options over their defaults, `{ ...defaults, ...options }` frozen, and interned: equal
 * options are one shared object. A facility monitor makes a detector per metric of every
 * device, each resolving the same options; as separate objects V8 gave each its own hidden
 * class, and every option read on the per-point path went through the megamorphic lookup
 * (≈ 180 classes at one read site). One object per distinct set of options keeps those
 * reads monomorphic and costs one object instead of one per detector. Same keys, order
 * and values as the spread.
 */
const interned = new WeakMap<object, Map<string, object>>();
/** Distinct option sets kept per defaults (configs have a handful; restored states could bring more). */
const MAX_INTERNED = 1024;

export function withDefaults<T extends { [K in keyof T]: number }>(
  defaults: Readonly<T>,
  options: Partial<T>,
): Readonly<T> {
  const resolved = { ...defaults, ...options };
  let known = interned.get(defaults);
  if (known === undefined) interned.set(defaults, (known = new Map()));
  const key = keyOf(resolved);
  const found = known.get(key);
  if (found !== undefined) return found as Readonly<T>;
  Object.freeze(resolved);
  if (known.size < MAX_INTERNED) known.set(key, resolved);
  return resolved;
}

/** The keys, in order, with their exact values (a number's shortest round-trip text; −0 apart). */
function keyOf(o: object): string {
  let key = '';
  for (const [k, v] of Object.entries(o)) key += `${k}=${Object.is(v, -0) ? '-0' : String(v)};`;
  return key;
}
