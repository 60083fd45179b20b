/** Opens the configured ClickHouse (server or embedded) and applies the schema. */
import type { ResolvedConfig } from '../config/index.ts';
import { openStore, type StoreHandle } from '../store/client.ts';
import { migrate } from '../store/migrate.ts';

export function storeTarget(config: ResolvedConfig) {
  const { url, user, password } = config.clickhouse;
  return url !== undefined ? { url, user, password } : { dataDir: config.dataDir };
}

export async function openConfiguredStore(
  config: ResolvedConfig,
  options: { migrate?: boolean } = {},
): Promise<StoreHandle> {
  const store = openStore(storeTarget(config));
  if (options.migrate ?? true) {
    try {
      await migrate(store.client, {
        database: config.clickhouse.database,
        alertsTtlDays: config.clickhouse.alerts_ttl_days,
        eventsTtlDays: config.clickhouse.events_ttl_days,
      });
    } catch (err) {
      await store.close();
      throw err;
    }
  }
  return store;
}
