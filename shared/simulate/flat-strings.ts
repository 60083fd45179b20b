/**
 * Flat, internalised copies of the world's strings. Ids built with template literals are
 * V8 cons strings (a tree of the pieces); reading one character at a time from a cons
 * string walks that tree on every read, which made the NDJSON writer's `charCodeAt` loop
 * several times slower for entity ids than for literals. A property key is always a flat
 * internalised string, so a key's round trip yields one — done once per world, not per event.
 */

/** `s` as a flat internalised string (same characters). */
export function flat(s: string): string {
  return Object.keys({ [s]: 0 })[0] ?? s;
}

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null || Array.isArray(v);
}

/** Replaces, in place, every string reachable through plain objects and arrays by `flat(s)`. */
export function flattenStrings(root: object): void {
  const seen = new Set<object>();
  const stack: object[] = [root];
  for (let v = stack.pop(); v !== undefined; v = stack.pop()) {
    if (seen.has(v) || !isPlain(v) || Object.isFrozen(v)) continue;
    seen.add(v);
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      const x = o[k];
      if (typeof x === 'string') o[k] = flat(x);
      else if (typeof x === 'object' && x !== null) stack.push(x);
    }
  }
}
