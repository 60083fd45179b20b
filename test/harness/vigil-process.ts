/**
 * The `vigil` bin as a child process, for tests of whole processes: signals (SIGTERM,
 * SIGKILL), exit codes, restarts. Output is kept so a failure shows what the process said.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'bin/vigil.mjs');
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface VigilProcess {
  child: ChildProcess;
  /** Exit code, or null when killed by a signal. */
  exited: Promise<number | null>;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

export function spawnVigil(args: string[], env: Record<string, string>): VigilProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, VIGIL_HTTP_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let seen = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    seen += chunk.toString();
    if (seen.length > 4_000_000) seen = seen.slice(-2_000_000);
    for (const l of listeners) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((res) =>
    child.once('exit', (code) => {
      running.delete(child);
      res(code);
      for (const l of listeners) l();
    }),
  );
  return {
    child,
    exited,
    output: () => seen,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((res, rej) => {
        const timer = setTimeout(() => done(new Error(`no ${pattern} within ${timeoutMs} ms`)), timeoutMs);
        const check = (): void => {
          if (pattern.test(seen)) done();
          else if (child.exitCode !== null || child.signalCode !== null)
            done(new Error(`exited (${child.exitCode ?? child.signalCode}) before ${pattern}`));
        };
        const done = (err?: Error): void => {
          clearTimeout(timer);
          listeners.delete(check);
          if (err === undefined) res();
          else rej(new Error(`${err.message}:\n${seen.slice(-3000)}`));
        };
        listeners.add(check);
        check();
      });
    },
  };
}

/** Rows of `sql` from the embedded ClickHouse under `dataDir`, read by a separate process. */
export async function queryEmbedded<T>(dataDir: string, sql: string): Promise<T[]> {
  const script = join(resolve(dirname(fileURLToPath(import.meta.url))), 'chdb-query.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, dataDir, sql], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await new Promise<number | null>((res) => child.once('exit', res));
  if (code !== 0) throw new Error(`chdb query failed (${code}): ${err.slice(-2000)}`);
  return JSON.parse(out) as T[];
}
