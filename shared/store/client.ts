/**
 * The one factory for ClickHouse clients (docs/architecture.md, "ClickHouse"): a server
 * over HTTP(S) when a URL is given, otherwise embedded ClickHouse (chdb) under the data
 * directory, run on a worker thread (chdb-thread.ts). Both are loaded on first use only:
 * a process that never opens the store never loads the client, and one with a URL never
 * loads chdb, an optional dependency that lean worker images leave out. chdb allows one
 * data directory per process, so embedded clients are shared and reference-counted.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { vigilError } from '../errors.ts';

export type { ClickHouseClient };

export type StoreTarget =
  { url: string; user?: string | undefined; password?: string | undefined } | { dataDir: string };

export interface StoreHandle {
  client: ClickHouseClient;
  /** "server" or "embedded", for logs and /readyz. */
  mode: 'server' | 'embedded';
  close(): Promise<void>;
}

let embedded: { path: string; client: Promise<ClickHouseClient>; refs: number } | undefined;

async function openEmbedded(path: string): Promise<ClickHouseClient> {
  const { assertChdbInstalled, ChdbThreadConnection } = await import('./chdb-thread.ts');
  assertChdbInstalled();
  mkdirSync(path, { recursive: true });
  const connection = new ChdbThreadConnection(path);
  try {
    await connection.opened();
  } catch (err) {
    await connection.close();
    throw err;
  }
  const { createClient } = await import('@clickhouse/client');
  return createClient({ connection });
}

export async function openStore(target: StoreTarget): Promise<StoreHandle> {
  if ('url' in target) {
    const { createClient } = await import('@clickhouse/client');
    const client = createClient({
      url: target.url,
      username: target.user ?? 'default',
      password: target.password ?? '',
      clickhouse_settings: { date_time_input_format: 'best_effort' },
      request_timeout: 30_000,
    });
    return { client, mode: 'server', close: () => client.close() };
  }
  const path = join(target.dataDir, 'clickhouse');
  if (embedded === undefined) {
    const opening = { path, client: openEmbedded(path), refs: 0 };
    embedded = opening;
    opening.client.catch(() => {
      if (embedded === opening) embedded = undefined;
    });
  } else if (embedded.path !== path) {
    throw vigilError('VGL_ERR_STORE_EMBEDDED_OPEN', [
      path,
      `this process already has ${embedded.path} open, and chdb allows one data directory per process`,
    ]);
  }
  const shared = embedded;
  const client = await shared.client;
  shared.refs++;
  let closed = false;
  return {
    client,
    mode: 'embedded',
    close: async () => {
      if (closed) return;
      closed = true;
      if (--shared.refs === 0) {
        if (embedded === shared) embedded = undefined;
        await client.close();
      }
    },
  };
}
