/**
 * `vigil replay` without --no-store writes its alerts to ClickHouse; replaying the same file
 * again produces the same alert ids, so the table still holds one row per alert.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../shared/store/client.ts';
import { EventClock, accessEvent } from '../harness/events.ts';

const run = promisify(execFile);
const BIN = new URL('../../bin/vigil.mjs', import.meta.url).pathname;

describe('vigil replay into ClickHouse', () => {
  it('stores every alert once, however often the file is replayed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-replay-store-'));
    const clock = new EventClock(Date.parse('2026-03-06T08:00:00Z'), 'rs');
    const lines: string[] = [];
    for (let i = 0; i < 500; i++) {
      clock.advance(10_000);
      lines.push(
        JSON.stringify(
          accessEvent(clock, i % 50 === 0 ? { principal: `crosser-${i}`, resource_tenant: 'globex' } : {}),
        ),
      );
    }
    const input = join(dir, 'events.ndjson');
    writeFileSync(input, `${lines.join('\n')}\n`);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      VIGIL_DATA_DIR: join(dir, 'data'),
      VIGIL_LOG_LEVEL: 'warn',
    };
    delete env['KAFKA_BROKERS'];
    delete env['CLICKHOUSE_URL'];

    for (let pass = 0; pass < 2; pass++) {
      const { stdout } = await run('node', [BIN, 'replay', '--input', input], { env });
      expect(stdout).toContain('; 10 alerts');
    }

    const store = await openStore({ dataDir: join(dir, 'data') });
    try {
      const result = await store.client.query({
        query: 'SELECT count() AS rows, uniqExact(alert_id) AS ids FROM vigil.alerts FINAL',
        format: 'JSONEachRow',
      });
      // UInt64 is a number from chdb and a string from a server: compare as numbers.
      const [row] = await result.json<{ rows: number | string; ids: number | string }>();
      expect([Number(row!.rows), Number(row!.ids)]).toEqual([10, 10]);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
