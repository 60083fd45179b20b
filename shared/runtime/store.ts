/**
 * Opens the configured ClickHouse (server or embedded). Schema changes (DDL) are made
 * only when asked: by `vigil migrate`, by `vigil run --migrate`, or for embedded
 * ClickHouse, whose database belongs to this process alone. A service on a shared server
 * only checks that the tables exist, so a rollout of many replicas never races on DDL.
 */
import type { ResolvedConfig } from '../config/index.ts';
import { vigilError } from '../errors.ts';
import { openStore, type StoreHandle } from '../store/client.ts';
import { migrate, missingTables } from '../store/migrate.ts';

export function storeTarget(config: ResolvedConfig) {
  const { url, user, password } = config.clickhouse;
  return url !== undefined ? { url, user, password } : { dataDir: config.dataDir };
}

export interface OpenStoreOptions {
  /** Apply the schema: true, false, or (default) only for embedded ClickHouse. */
  migrate?: boolean | 'embedded';
}

export async function openConfiguredStore(
  config: ResolvedConfig,
  options: OpenStoreOptions = {},
): Promise<StoreHandle> {
  const store = await openStore(storeTarget(config));
  const when = options.migrate ?? 'embedded';
  const database = config.clickhouse.database;
  try {
    if (when === true || (when === 'embedded' && store.mode === 'embedded')) {
      await migrate(store.client, {
        database,
        alertsTtlDays: config.clickhouse.alerts_ttl_days,
        eventsTtlDays: config.clickhouse.events_ttl_days,
      });
    } else {
      const missing = await missingTables(store.client, database);
      if (missing.length > 0)
        throw vigilError('VGL_ERR_STORE_SCHEMA_MISSING', [database, missing.join(', ')]);
    }
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
