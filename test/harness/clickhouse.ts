/**
 * A real ClickHouse engine for integration tests (docs/architecture.md, "Tests and infrastructure"): `CLICKHOUSE_URL` if set; a
 * testcontainers ClickHouse server if a Docker engine answers; otherwise embedded ClickHouse
 * (chdb) in a fresh temporary directory. Pass the result to the store factory in
 * shared/store, which takes `{ url }` or `{ dataDir }`. chdb runs inside the process that
 * opens the directory, so each test file (one process) starts its own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vigilError, errorMessage } from '../../shared/errors.ts';
import { dockerAnswers, loadTestcontainers, type Testcontainers } from './docker.ts';

export const CLICKHOUSE_IMAGE = 'clickhouse/clickhouse-server:24.8';

export interface RunningClickHouse {
  /** Set for a ClickHouse server (HTTP interface). */
  url?: string;
  /** Set for embedded ClickHouse: the directory chdb keeps its data in. */
  dataDir?: string;
  stop(): Promise<void>;
}

export async function startClickHouse(): Promise<RunningClickHouse> {
  const fromEnv = process.env['CLICKHOUSE_URL'];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    return { url: fromEnv.trim(), stop: async () => undefined };
  }
  const tc = (await dockerAnswers()) ? await loadTestcontainers() : undefined;
  if (tc !== undefined) return startClickHouseContainer(tc);
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-chdb-'));
  return { dataDir, stop: async () => rmSync(dataDir, { recursive: true, force: true }) };
}

async function startClickHouseContainer(tc: Testcontainers): Promise<RunningClickHouse> {
  try {
    const { GenericContainer, Wait } = tc;
    const container = await new GenericContainer(CLICKHOUSE_IMAGE)
      .withExposedPorts(8123)
      // Lets the passwordless default user connect over the network (image >= 24.x).
      .withEnvironment({ CLICKHOUSE_SKIP_USER_SETUP: '1' })
      .withWaitStrategy(Wait.forHttp('/ping', 8123).forStatusCode(200))
      .start();
    const url = `http://${container.getHost()}:${container.getMappedPort(8123)}`;
    return { url, stop: async () => void (await container.stop()) };
  } catch (err) {
    throw vigilError('VGL_ERR_HARNESS_START', ['ClickHouse in Docker (testcontainers)', errorMessage(err)], {
      cause: err,
    });
  }
}
