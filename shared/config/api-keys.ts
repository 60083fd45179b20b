/**
 * Parses VIGIL_API_KEYS (DESIGN.md §6): comma-separated entries
 *
 *   name:key:role[:tenant1|tenant2]   a named key, optionally scoped to tenants
 *   key:role                          the older form; its name is derived from the key's digest
 *
 * The name is who the key is in the triage audit trail (the actor of every action). A
 * scoped key sees and ingests only its tenants' alerts and events. Problems are reported by
 * entry index and never quote a key.
 */
import { createHash } from 'node:crypto';
import { ROLES, type ApiKey, type Role } from './schema.ts';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;
const TENANT = /^[A-Za-z0-9_.\-/]{1,128}$/;
const MIN_KEY_CHARS = 8;

/** The name an unnamed (old-form) key gets: stable, not secret, not reversible. */
export function derivedKeyName(key: string): string {
  return `key-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

export function parseApiKeys(value: string | undefined, problems: string[]): ApiKey[] {
  if (value === undefined || value.trim() === '') return [];
  const keys: ApiKey[] = [];
  const names = new Set<string>();
  const secrets = new Set<string>();
  value.split(',').forEach((entry, i) => {
    const where = `VIGIL_API_KEYS[${i}]`;
    const parts = entry.split(':').map((p) => p.trim());
    if (parts.length < 2 || parts.length > 4) {
      problems.push(`${where}: expected "name:key:role[:tenant1|tenant2]" (or the older "key:role")`);
      return;
    }
    const [name, key, role, scope] =
      parts.length === 2
        ? [undefined, parts[0]!, parts[1]!, undefined]
        : [parts[0]!, parts[1]!, parts[2]!, parts[3]];
    const before = problems.length;
    if (key.length < MIN_KEY_CHARS)
      problems.push(`${where}: the key must have at least ${MIN_KEY_CHARS} characters`);
    if (!(ROLES as readonly string[]).includes(role)) {
      problems.push(`${where}: role must be one of ${ROLES.join(', ')}, got "${role.slice(0, 32)}"`);
    }
    if (name !== undefined && !NAME.test(name)) {
      problems.push(
        `${where}: name must be 1–64 of letters, digits, "_.@-", starting with a letter or digit`,
      );
    }
    const tenants = scope === undefined ? undefined : scope.split('|').map((t) => t.trim());
    if (tenants !== undefined && (tenants.length === 0 || !tenants.every((t) => TENANT.test(t)))) {
      problems.push(`${where}: tenants must be "tenant1|tenant2", each 1–128 of letters, digits, "_.-/"`);
    }
    const resolvedName = name ?? derivedKeyName(key);
    if (names.has(resolvedName)) problems.push(`${where}: the name "${resolvedName}" is used twice`);
    if (secrets.has(key)) problems.push(`${where}: the same key is listed twice`);
    names.add(resolvedName);
    secrets.add(key);
    if (problems.length > before) return;
    keys.push({
      name: resolvedName,
      key,
      role: role as Role,
      ...(tenants !== undefined && { tenants: Object.freeze([...new Set(tenants)]) }),
    });
  });
  return keys;
}
