/**
 * The one factory for ClickHouse clients (DESIGN.md §5): a server over HTTP(S) when a URL
 * is given, otherwise embedded ClickHouse (chdb) under the data directory. chdb allows one
 * data directory per process, so embedded clients are shared and reference-counted.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createClient, type ClickHouseClient, type ClickHouseClientConfigOptions } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';

export type { ClickHouseClient };

export type StoreTarget =
  { url: string; user?: string | undefined; password?: string | undefined } | { dataDir: string };

export interface StoreHandle {
  client: ClickHouseClient;
  /** "server" or "embedded", for logs and /readyz. */
  mode: 'server' | 'embedded';
  close(): Promise<void>;
}

let embedded: { path: string; client: ClickHouseClient; refs: number } | undefined;

export function openStore(target: StoreTarget): StoreHandle {
  if ('url' in target) {
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
    mkdirSync(path, { recursive: true });
    // chdb types its connection against its own copy of client-common; the shapes match.
    const connection = createChdbConnection({
      path,
    }) as unknown as ClickHouseClientConfigOptions['connection'];
    const client = createClient({ connection });
    embedded = { path, client, refs: 0 };
  } else if (embedded.path !== path) {
    throw new Error(
      `embedded ClickHouse is already open at ${embedded.path}; one data directory per process`,
    );
  }
  const shared = embedded;
  shared.refs++;
  let closed = false;
  return {
    client: shared.client,
    mode: 'embedded',
    close: async () => {
      if (closed) return;
      closed = true;
      if (--shared.refs === 0) {
        embedded = undefined;
        await shared.client.close();
      }
    },
  };
}
