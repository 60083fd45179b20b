/**
 * Applies deploy/clickhouse/*.sql in file-name order. Every statement is idempotent
 * (IF NOT EXISTS), so running it twice is harmless; it runs from `vigil migrate`, `vigil
 * run --migrate` and embedded starts (shared/runtime/store.ts). Only validated
 * identifiers and integers are substituted into the SQL text. The schema files are found
 * beside the sources and, in the build, copied under dist/ (package.json "build").
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vigilError } from '../errors.ts';
import type { ClickHouseClient } from './client.ts';

export const SCHEMA_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../deploy/clickhouse');

export interface SchemaOptions {
  database: string;
  alertsTtlDays: number;
  eventsTtlDays: number;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function renderSchema(sql: string, options: SchemaOptions): string[] {
  if (!IDENTIFIER.test(options.database)) throw new Error(`invalid database name "${options.database}"`);
  const values: Record<string, string> = {
    db: options.database,
    alerts_ttl_days: String(Math.trunc(options.alertsTtlDays)),
    events_ttl_days: String(Math.trunc(options.eventsTtlDays)),
  };
  const text = sql
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n')
    .replace(/\$\{(\w+)\}/g, (_, name: string) => {
      const v = values[name];
      if (v === undefined) throw new Error(`unknown schema variable \${${name}}`);
      return v;
    });
  return text
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export async function migrate(client: ClickHouseClient, options: SchemaOptions): Promise<number> {
  const files = readdirSync(SCHEMA_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  let applied = 0;
  for (const file of files) {
    const statements = renderSchema(readFileSync(join(SCHEMA_DIR, file), 'utf8'), options);
    for (const query of statements) {
      try {
        await client.command({ query });
      } catch (err) {
        throw vigilError('VGL_ERR_STORE_SCHEMA', [file, (err as Error).message], { cause: err });
      }
      applied++;
    }
  }
  return applied;
}

/** The tables of the schema, for a start-up check that needs no DDL rights. */
export const SCHEMA_TABLES = ['alerts', 'alert_actions', 'events'] as const;

/** Tables of the schema that `database` lacks (all of them when it does not exist). */
export async function missingTables(client: ClickHouseClient, database: string): Promise<string[]> {
  try {
    const result = await client.query({
      query: 'SELECT name FROM system.tables WHERE database = {db:String} AND name IN {names:Array(String)}',
      query_params: { db: database, names: [...SCHEMA_TABLES] },
      format: 'JSONEachRow',
    });
    const present = new Set((await result.json<{ name: string }>()).map((r) => r.name));
    return SCHEMA_TABLES.filter((t) => !present.has(t));
  } catch (err) {
    throw vigilError('VGL_ERR_STORE_QUERY', ['schema check', (err as Error).message], { cause: err });
  }
}
