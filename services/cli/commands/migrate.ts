/** `vigil migrate`: apply the ClickHouse schema (idempotent). */
import { openConfiguredStore } from '../../../shared/runtime/store.ts';
import { parseCommandArgs } from '../args.ts';
import { boot } from '../boot.ts';
import type { Command } from '../command.ts';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'apply the ClickHouse schema (deploy/clickhouse/*.sql)',
  usage: `Usage: vigil migrate [--config C]

Creates the database and the alerts, alert_actions and events tables if they do not
exist, on CLICKHOUSE_URL or, when unset, on embedded ClickHouse under VIGIL_DATA_DIR.
`,
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, { config: { type: 'string' } });
    const { config } = boot(values.config);
    const store = await openConfiguredStore(config, { migrate: true });
    await store.close();
    io.stdout.write(
      `schema applied to database "${config.clickhouse.database}" (${store.mode}` +
        `${store.mode === 'embedded' ? ` at ${config.dataDir}` : ''})\n`,
    );
    return 0;
  },
};
