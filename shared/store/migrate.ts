/**
 * Applies deploy/clickhouse/*.sql in file-name order. Every statement is idempotent
 * (IF NOT EXISTS), so migrate runs at every start. Only validated identifiers and
 * integers are substituted into the SQL text.
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
