/**
 * Runs one query against an embedded ClickHouse directory in a process of its own (chdb
 * allows one data directory per process) and prints the rows as a JSON array:
 *   node --import tsx test/harness/chdb-query.ts <VIGIL_DATA_DIR> "<SQL>"
 */
import { openStore } from '../../shared/store/client.ts';

const [dataDir, sql] = process.argv.slice(2);
if (dataDir === undefined || sql === undefined) throw new Error('usage: chdb-query.ts <dataDir> <sql>');
const store = await openStore({ dataDir });
try {
  const result = await store.client.query({ query: sql, format: 'JSONEachRow' });
  process.stdout.write(JSON.stringify(await result.json()));
} finally {
  await store.close();
}
