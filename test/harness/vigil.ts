/**
 * Starts Vigil services in the test process against the harness's real Kafka broker and
 * ClickHouse engine, on topics, groups and a database unique to the test, so test files
 * never share state.
 */
import { randomUUID } from 'node:crypto';
import { resolveConfig, type ResolvedConfig } from '../../shared/config/index.ts';
import { createLogger } from '../../shared/log/logger.ts';
import { resolveDetectors } from '../../shared/pipeline/registry.ts';
import { createContext, type ServiceContext } from '../../shared/runtime/context.ts';
import { buildEnvironment } from '../../shared/runtime/environment.ts';
import type { RunningService, ServiceDefinition } from '../../shared/runtime/service.ts';
import { ALL_DETECTORS } from '../../services/cli/catalogue.ts';
import { splitIncidentSection } from '../../services/correlator/config.ts';
import type { RunningClickHouse } from './clickhouse.ts';

export interface TestVigil {
  ctx: ServiceContext;
  config: ResolvedConfig;
  start(definition: ServiceDefinition): Promise<RunningService>;
  /** Query rows from the test's ClickHouse database ({db} is replaced by its name). */
  rows<T = Record<string, unknown>>(sql: string, params?: Record<string, unknown>): Promise<T[]>;
  close(): Promise<void>;
}

export interface TestVigilOptions {
  brokers: string;
  clickhouse: RunningClickHouse;
  overrides?: Record<string, unknown>;
  env?: Record<string, string>;
}

export async function startTestVigil(options: TestVigilOptions): Promise<TestVigil> {
  const id = randomUUID().slice(0, 8);
  // Quiet by default: tests provoke failures on purpose. VIGIL_TEST_LOG_LEVEL=debug shows them.
  const level = process.env['VIGIL_TEST_LOG_LEVEL'] ?? 'silent';
  const env: Record<string, string> = {
    KAFKA_BROKERS: options.brokers,
    VIGIL_LOG_LEVEL: level,
    ...options.env,
  };
  if (options.clickhouse.url !== undefined) env['CLICKHOUSE_URL'] = options.clickhouse.url;
  if (options.clickhouse.dataDir !== undefined) env['VIGIL_DATA_DIR'] = options.clickhouse.dataDir;
  const config = resolveConfig({
    env,
    overrides: {
      topics: {
        inference: `t${id}.inference`,
        access: `t${id}.access`,
        facility: `t${id}.facility`,
        alerts: `t${id}.alerts`,
        dlq: `t${id}.dlq`,
        state_prefix: `t${id}.state.`,
        partitions: 3,
      },
      clickhouse: { database: `vigil_test_${id}` },
      pipeline: { store_events: true },
      ...options.overrides,
    },
  });
  const ctx = await createContext({
    config,
    detectors: resolveDetectors(ALL_DETECTORS, splitIncidentSection(config.detectors).detectors),
    environment: buildEnvironment(config),
    log: createLogger({ level: env['VIGIL_LOG_LEVEL'] ?? level }),
    clientId: `vigil-test-${id}`,
  });
  await ctx.bus.ensureTopics();
  const running: RunningService[] = [];
  return {
    ctx,
    config,
    async start(definition) {
      const service = await definition.start(ctx);
      running.push(service);
      return service;
    },
    async rows<T>(sql: string, params: Record<string, unknown> = {}) {
      const store = await ctx.store();
      const result = await store.client.query({
        query: sql.replaceAll('{db}', config.clickhouse.database),
        query_params: params,
        format: 'JSONEachRow',
      });
      return result.json<T>();
    },
    async close() {
      for (const s of running.reverse()) await s.stop();
      await ctx.close();
    },
  };
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
