/**
 * Durable detector state for the embedded bus: one JSON file per state topic under a
 * directory, replaced atomically (write a temporary file, then rename) so a crash mid-write
 * leaves the previous checkpoint intact. Kafka deployments use the compacted topic instead.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function stateFilePath(dir: string, stateTopic: string): string {
  return join(dir, `${stateTopic.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
}

export function readStateFile(path: string): Map<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw err;
  }
  return new Map(Object.entries(JSON.parse(text) as Record<string, unknown>));
}

export function writeStateFile(path: string, values: ReadonlyMap<string, unknown>): void {
  mkdirSync(join(path, '..'), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(Object.fromEntries(values)));
  renameSync(tmp, path);
}
