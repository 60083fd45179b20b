/**
 * Does a Docker engine answer? Checked with a raw `GET /_ping` on the engine's socket so the
 * answer comes in well under a second when there is none. testcontainers is imported only
 * after this says yes: its own discovery is slow to fail, and importing it can throw on
 * some Node versions (its undici needs zlib's zstd, added in Node 22).
 */
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type * as TestcontainersModule from 'testcontainers';

type Endpoint = { socketPath: string } | { host: string; port: number };

function endpoints(): Endpoint[] {
  const fromEnv = process.env['DOCKER_HOST'];
  if (fromEnv !== undefined && fromEnv !== '') {
    if (fromEnv.startsWith('unix://')) return [{ socketPath: fromEnv.slice('unix://'.length) }];
    const tcp = /^tcp:\/\/([^:/]+):(\d+)/.exec(fromEnv);
    return tcp?.[1] !== undefined && tcp[2] !== undefined ? [{ host: tcp[1], port: Number(tcp[2]) }] : [];
  }
  return [
    '/var/run/docker.sock',
    join(homedir(), '.docker/run/docker.sock'),
    join(homedir(), '.docker/desktop/docker.sock'),
  ]
    .filter((p) => existsSync(p))
    .map((socketPath) => ({ socketPath }));
}

function ping(endpoint: Endpoint, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ ...endpoint, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

let cached: Promise<boolean> | undefined;

/** Memoised: the answer does not change during a test run. */
export function dockerAnswers(timeoutMs = 1000): Promise<boolean> {
  cached ??= (async () => {
    for (const endpoint of endpoints()) if (await ping(endpoint, timeoutMs)) return true;
    return false;
  })();
  return cached;
}

export type Testcontainers = typeof TestcontainersModule;

/**
 * testcontainers, or undefined (with a warning) when it cannot load here, so the caller
 * falls back to the next option instead of failing the run. testcontainers 12 needs
 * Node >= 22.22; on Node 20 its undici throws at import.
 */
export async function loadTestcontainers(): Promise<Testcontainers | undefined> {
  try {
    return await import('testcontainers');
  } catch (err) {
    console.warn(
      `[harness] Docker answers but testcontainers does not load (${String(err)}); not using Docker`,
    );
    return undefined;
  }
}
