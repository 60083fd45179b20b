/**
 * Where the official schemas are: `VIGIL_SCHEMAS_DIR`, else `../shared/schemas` beside the
 * repository. They are read in place, never copied into the repository; when they are
 * missing these tests fail and say so — they never skip.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const SCHEMAS_DIR = resolve(
  process.env['VIGIL_SCHEMAS_DIR'] ?? new URL('../../../shared/schemas', import.meta.url).pathname,
);

export function readSchemaFile(name: string): string {
  const path = resolve(SCHEMAS_DIR, name);
  if (!existsSync(path)) {
    throw new Error(
      `official schema ${path} not found: run with VIGIL_SCHEMAS_DIR=<dir holding ${name}> ` +
        `(default ../shared/schemas beside the repository)`,
    );
  }
  return readFileSync(path, 'utf8');
}
