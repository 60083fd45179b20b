/**
 * The newcomer's path, `npm start`: every service in one process on the embedded bus and
 * embedded ClickHouse, demo traffic with injected attacks; a cross-tenant alert is printed
 * within a minute, the power-room intrusion as one critical cyber-physical alert within its
 * first minutes, the API answers, and Ctrl-C (SIGINT) exits 0.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/vigil.mjs', import.meta.url).pathname;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function storedAlerts(
  port: number,
  detector: string,
  withinMs: number,
): Promise<Array<{ detector: string; related: string[] }>> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/alerts?detector=${detector}`, {
      headers: { authorization: 'Bearer embedded-test-key' },
    });
    const body = (await res.json()) as { alerts: Array<{ detector: string; related: string[] }> };
    if (body.alerts.length > 0 || Date.now() > deadline) return body.alerts;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('npm start (embedded default)', () => {
  it('shows a cross-tenant alert within a minute, then the intrusion; serves the API; exits 0 on Ctrl-C', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-embedded-'));
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      VIGIL_DATA_DIR: dir,
      VIGIL_HTTP_PORT: String(port),
      VIGIL_API_KEYS: 'embedded-test-key:analyst',
      VIGIL_LOG_LEVEL: 'warn',
    };
    delete env['KAFKA_BROKERS'];
    delete env['CLICKHOUSE_URL'];
    const started = Date.now();
    const child = spawn('node', [BIN, 'run', 'all', '--demo'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.on('exit', (code) => (stderr += `\n(exited ${code})`));
    const line = async (pattern: string, withinMs: number): Promise<string> => {
      const deadline = started + withinMs;
      for (;;) {
        const found = stdout.split('\n').find((l) => l.includes(pattern));
        if (found !== undefined) return found;
        if (Date.now() > deadline)
          throw new Error(`no ${pattern} line in ${withinMs} ms:\n${stdout}\n${stderr}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    const alertLine = await line('access.cross_tenant', 60_000);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(alertLine).toMatch(/^(CRITICAL|HIGH)\s+access\.cross_tenant\s+principal:\S+ — Cross-tenant/);

    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(await ready.json()).toEqual({ ready: true, waiting: [] });
    // The console reads the alerts topic as its own consumer group, so the line can come
    // out a moment before the alert-sink's batch reaches ClickHouse.
    const stored = await storedAlerts(port, 'access.cross_tenant', 15_000);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.every((a) => a.detector === 'access.cross_tenant')).toBe(true);
    expect(stderr).not.toContain('MaxListenersExceededWarning');

    // The power-room intrusion (the second scenario of the demo): the forced door and the
    // UPS reconfiguration as one critical alert, stored with the parts it cites.
    const intrusion = await line('cyber_physical.correlation', 180_000);
    expect(intrusion).toMatch(/^CRITICAL\s+cyber_physical\.correlation\s+zone:fra1\/power-room — /);
    const [correlation] = await storedAlerts(port, 'cyber_physical.correlation', 15_000);
    expect(correlation!.related.length).toBeGreaterThanOrEqual(2);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
  }, 300_000);
});
