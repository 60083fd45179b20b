/**
 * GET /api/v1/alerts latency with a million alerts in embedded ClickHouse (chdb): the
 * route end to end through fastify (auth, validation, the two-phase query, JSON), timed by
 * light-my-request injection so no socket is measured. Input is generated inside
 * ClickHouse before timing: alerts over 30 days, 5% of them with a second, unmerged
 * revision (persisting anomalies), 2% with triage actions. Each response is checked.
 * Units: milliseconds per request; percentiles over `--requests` requests per view.
 *
 *   npm run bench:api [-- --alerts 1000000 --requests 200]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from '../../../services/api/app.ts';
import { consoleBundle } from '../../../services/api/console/bundle.ts';
import { AlertFeed } from '../../../services/api/routes/stream.ts';
import { resolveConfig } from '../../../shared/config/index.ts';
import { createLogger } from '../../../shared/log/logger.ts';
import { createMetrics } from '../../../shared/metrics/registry.ts';
import type { DetectorConfigHub } from '../../../shared/runtime/detector-config.ts';
import { ActionStore } from '../../../shared/store/action-writer.ts';
import { AlertQueries } from '../../../shared/store/alert-queries.ts';
import { openStore } from '../../../shared/store/client.ts';
import { EventQueries } from '../../../shared/store/event-queries.ts';
import { migrate } from '../../../shared/store/migrate.ts';
import { machine } from '../machine.ts';

const { values } = parseArgs({
  options: { alerts: { type: 'string', default: '1000000' }, requests: { type: 'string', default: '200' } },
});
const N = Number(values.alerts);
const REQUESTS = Number(values.requests);
const DB = 'vigil';
const NOW = Date.now();
const DAY = 86_400_000;

const dir = process.env['BENCH_KEEP_DIR'] ?? mkdtempSync(join(tmpdir(), 'vigil-bench-api-'));
const store = await openStore({ dataDir: dir });
const client = store.client;
try {
  await migrate(client, { database: DB, alertsTtlDays: 365, eventsTtlDays: 30 });
  const started = Date.now();
  const columns = `alert_id, detector, category, severity, score, tenant, entity_type, entity_id, title, description,
    first_seen, last_seen, detected_at, event_count, evidence, techniques, related, revision`;
  // One row per alert; `rev` > 1 rows are later revisions of the same alert_id.
  const rows = (from: string, rev: number) => `
    SELECT lower(hex(MD5(toString(number)))),
      ['access.volume','access.cross_tenant','facility.metric','inference.extraction.rate','physical.badge','access.denied_burst'][number % 6 + 1],
      ['exfiltration','access','facility','extraction','physical','access'][number % 6 + 1],
      ['info','low','medium','high','critical'][(intHash32(number) % 5) + 1],
      intHash32(number) % 100,
      ['acme','globex','initech','umbrella'][number % 4 + 1],
      'principal', concat('user-', toString(intHash32(number) % 20000)),
      concat('Volume of principal user-', toString(number % 20000), ' far above its baseline'),
      concat('Principal read ', toString(number % 977), ' MB in an hour against an expected 12 MB (z = 8.1, threshold 4); ', repeat('context ', 20)),
      fromUnixTimestamp64Milli(toInt64(${NOW - 30 * DAY} + (number * ${Math.floor((30 * DAY) / N)}))),
      fromUnixTimestamp64Milli(toInt64(${NOW - 30 * DAY} + (number * ${Math.floor((30 * DAY) / N)}) + ${rev} * 60000)),
      now64(3), ${rev},
      concat('{"statistic":"z","observed":', toString(number % 977), ',"expected":12,"threshold":4,"window":"1h","sample_event_ids":["e-', toString(number), '"]}'),
      ['T1530'], [], ${rev}
    FROM ${from}`;
  await client.command({ query: `INSERT INTO ${DB}.alerts (${columns}) ${rows(`numbers(${N})`, 1)}` });
  await client.command({
    query: `INSERT INTO ${DB}.alerts (${columns}) ${rows(`numbers(${N}) WHERE number % 20 = 7`, 2)}`,
  });
  await client.command({
    query: `INSERT INTO ${DB}.alert_actions (action_id, alert_id, at, actor, role, action, assignee, note)
      SELECT generateUUIDv4(), lower(hex(MD5(toString(number)))), now64(3), 'bench', 'analyst',
        ['acknowledge','resolve','false_positive','assign'][number % 4 + 1], '', ''
      FROM numbers(${N}) WHERE number % 50 = 3`,
  });
  const loadSeconds = (Date.now() - started) / 1000;

  const config = resolveConfig({ env: {}, overrides: { api: { rate_limit_per_minute: 1_000_000 } } });
  const app = await buildApp({
    apiKeys: [{ name: 'bench', key: 'bench-key-0001', role: 'analyst' }],
    api: config.api,
    log: createLogger({ level: 'silent' }),
    health: { notReady: () => [], registry: createMetrics({ defaultMetrics: false }).registry },
    ingest: { publish: async () => undefined, reject: async () => undefined },
    alerts: {
      queries: new AlertQueries(client, DB),
      actions: new ActionStore(client, DB),
      events: new EventQueries(client, DB),
      client,
      db: DB,
    },
    stream: { feed: new AlertFeed() },
    detectors: { list: () => [], get: () => undefined } as unknown as DetectorConfigHub,
    console: await consoleBundle(),
  });

  const headers = { authorization: 'Bearer bench-key-0001' };
  async function view(url: string, expectRows: number) {
    const times: number[] = [];
    const cpu: number[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < REQUESTS + 10; i++) {
      const start = process.hrtime.bigint();
      const startCpu = process.cpuUsage();
      const res = await app.inject({ url, headers });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const used = process.cpuUsage(startCpu);
      const body = res.json() as { alerts: unknown[]; next_cursor: string | null };
      if (res.statusCode !== 200 || body.alerts.length < expectRows) {
        throw new Error(`${url}: HTTP ${res.statusCode}, ${body.alerts?.length} alerts`);
      }
      cursor = body.next_cursor;
      if (i >= 10) {
        // the first requests warm caches
        times.push(ms);
        cpu.push((used.user + used.system) / 1000);
      }
    }
    const p = (xs: number[], q: number): number => {
      const sorted = [...xs].sort((x, y) => x - y);
      return Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1));
    };
    return {
      url,
      p50_ms: p(times, 0.5),
      p95_ms: p(times, 0.95),
      p99_ms: p(times, 0.99),
      max_ms: p(times, 1),
      // CPU time of this process (ClickHouse runs in it) per request, all threads: what the
      // request costs whatever else the machine is doing.
      cpu_p50_ms: p(cpu, 0.5),
      cpu_p95_ms: p(cpu, 0.95),
      cursor,
    };
  }

  const first = await view('/api/v1/alerts', 50);
  const filteredUrl = `/api/v1/alerts?from=${NOW - 7 * DAY}&severity=high,critical&category=exfiltration,access&status=open`;
  const filtered = await view(filteredUrl, 50);
  const page2 = await view(`/api/v1/alerts?cursor=${first.cursor}`, 50);
  const text = await view('/api/v1/alerts?q=user-1234%20far', 1);
  const parts = await client.query({
    query: `SELECT count() AS n FROM system.parts WHERE database = '${DB}' AND table = 'alerts' AND active`,
    format: 'JSONEachRow',
  });
  const strip = ({ cursor: _c, ...r }: Awaited<ReturnType<typeof view>>) => r;
  console.log(
    JSON.stringify(
      {
        benchmark: 'GET /api/v1/alerts (fastify inject, embedded ClickHouse)',
        alerts: N,
        rows: N + Math.ceil(N / 20),
        alert_parts: Number(((await parts.json()) as Array<{ n: string }>)[0]!.n),
        load_seconds: loadSeconds,
        requests_per_view: REQUESTS,
        default_view: strip(first),
        filtered_view: strip(filtered),
        second_page: strip(page2),
        text_search: strip(text),
        machine: machine(),
        // Other work on the machine while it ran: on a shared 2-core box this moves the tails.
        load_average_1m: Number(loadavg()[0]!.toFixed(2)),
      },
      null,
      2,
    ),
  );
  await app.close();
} finally {
  await store.close();
  if (process.env['BENCH_KEEP_DIR'] === undefined) rmSync(dir, { recursive: true, force: true });
}
