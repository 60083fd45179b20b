/**
 * Inputs of a backtest: an NDJSON file (progress by bytes read) or the ClickHouse `events`
 * table for a time range (progress by rows read against a count taken first).
 */
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { ResolvedConfig } from '../../../shared/config/index.ts';
import type { LineInput } from './run-configs.ts';

const CHUNK_LINES = 4096;

export function fileInput(path: string): LineInput {
  const size = Math.max(1, statSync(path).size);
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  return {
    fraction: () => Math.min(1, stream.bytesRead / size),
    chunks: (async function* () {
      let chunk: string[] = [];
      for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
        chunk.push(line);
        if (chunk.length >= CHUNK_LINES) {
          yield chunk;
          chunk = [];
        }
      }
      if (chunk.length > 0) yield chunk;
    })(),
  };
}

/** The `events` table between `fromMs` and `toMs`; the caller closes nothing (the store closes at the end). */
export async function clickhouseInput(
  config: ResolvedConfig,
  range: { fromMs: number; toMs: number },
): Promise<LineInput & { close(): Promise<void> }> {
  // Loaded only here: the embedded engine is a large native library.
  const { openConfiguredStore } = await import('../../../shared/runtime/store.ts');
  const { countEvents, eventBodies } = await import('../../../shared/store/event-range.ts');
  const store = await openConfiguredStore(config);
  const db = config.clickhouse.database;
  const total = Math.max(1, await countEvents(store.client, db, range));
  let read = 0;
  return {
    fraction: () => Math.min(1, read / total),
    chunks: (async function* () {
      for await (const bodies of eventBodies(store.client, db, range, CHUNK_LINES * 5)) {
        for (let i = 0; i < bodies.length; i += CHUNK_LINES) {
          const chunk = bodies.slice(i, i + CHUNK_LINES);
          read += chunk.length;
          yield chunk;
        }
      }
    })(),
    close: () => store.close(),
  };
}
