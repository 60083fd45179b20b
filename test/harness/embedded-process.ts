/**
 * `vigil run all` as a child process in the embedded mode (in-process bus, embedded
 * ClickHouse in a fresh directory) — what `npm start` runs, without the demo feed — on a
 * free port, for tests that need the whole product: the browser tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from './ports.ts';

const BIN = new URL('../../bin/vigil.mjs', import.meta.url).pathname;

export interface EmbeddedProcess {
  url: string;
  stderr(): string;
  stop(): Promise<number | null>;
}

export async function startVigilProcess(options: {
  apiKeys: string;
  config: string;
}): Promise<EmbeddedProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-e2e-'));
  const configFile = join(dir, 'vigil.yaml');
  writeFileSync(configFile, options.config);
  const [port] = await freePorts(1);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    VIGIL_DATA_DIR: join(dir, 'data'),
    VIGIL_HTTP_PORT: String(port),
    VIGIL_API_KEYS: options.apiKeys,
    VIGIL_CONFIG: configFile,
    VIGIL_LOG_LEVEL: 'warn',
  };
  delete env['KAFKA_BROKERS'];
  delete env['CLICKHOUSE_URL'];
  delete env['VIGIL_HTTP_HOST'];
  const child: ChildProcess = spawn('node', [BIN, 'run', 'all'], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vigil exited ${child.exitCode}:\n${stderr}`);
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`vigil not ready in 90 s:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}
