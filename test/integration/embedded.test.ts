/**
 * The newcomer's path, `npm start`: every service in one process on the embedded bus and
 * embedded ClickHouse, demo traffic with injected attacks; it prints the console's address
 * and, with no keys configured, an admin key for this run; a cross-tenant alert is printed
 * within a minute, an exfiltration (access.volume) alert and the power-room intrusion as one
 * critical cyber-physical alert within its first minutes, the API answers that key, and
 * Ctrl-C (SIGINT) exits 0.
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
  key: string,
  detector: string,
  withinMs: number,
): Promise<Array<{ detector: string; related: string[] }>> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/alerts?detector=${detector}`, {
      headers: { authorization: `Bearer ${key}` },
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
      VIGIL_LOG_LEVEL: 'warn',
    };
    delete env['KAFKA_BROKERS'];
    delete env['VIGIL_API_KEYS'];
    delete env['VIGIL_HTTP_HOST'];
    delete env['CLICKHOUSE_URL'];
    const started = Date.now();
    const child = spawn('node', [BIN, 'run', 'all', '--demo'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const lineWith = (text: string, withinMs: number): Promise<string> =>
      new Promise<string>((resolve, reject) => {
        const poll = setInterval(() => {
          const line = stdout.split('\n').find((l) => l.includes(text));
          if (line !== undefined) {
            clearInterval(poll);
            resolve(line);
          } else if (Date.now() - started > withinMs) {
            clearInterval(poll);
            reject(new Error(`no ${text} alert in ${withinMs / 1000} s:\n${stdout}\n${stderr}`));
          }
        }, 100);
        child.on('exit', (code) => {
          clearInterval(poll);
          reject(new Error(`exited ${code}:\n${stderr}`));
        });
      });
    const alertLine = await lineWith('access.cross_tenant', 60_000);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(alertLine).toMatch(/^(CRITICAL|HIGH)\s+access\.cross_tenant\s+principal:\S+ — Cross-tenant/);
    // The second scenario of the demo is a service account exfiltrating by volume.
    const exfilLine = await lineWith('access.volume', 180_000);
    expect(exfilLine).toMatch(
      /^(CRITICAL|HIGH|MEDIUM)\s+access\.volume\s+principal:svc-\S+ — Unusual read volume/,
    );

    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(await ready.json()).toEqual({ ready: true, waiting: [] });
    // The console reads the alerts topic as its own consumer group, so the line can come
    // out a moment before the alert-sink's batch reaches ClickHouse.
    expect(stderr).toContain(`console and API on http://127.0.0.1:${port}/`);
    const key = /admin key for this run only[^:]*: (vgl_[A-Za-z0-9_-]{32})\n/.exec(stderr)?.[1];
    expect(key, stderr).toBeDefined();
    const me = await fetch(`http://127.0.0.1:${port}/api/v1/me`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(await me.json()).toMatchObject({ name: 'run-admin', role: 'admin' });
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await page.text()).toContain('<main id="main"');
    const stored = await storedAlerts(port, key!, 'access.cross_tenant', 15_000);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.every((a) => a.detector === 'access.cross_tenant')).toBe(true);
    expect(stderr).not.toContain('MaxListenersExceededWarning');

    // The power-room intrusion (the third scenario of the demo): the forced door and the
    // UPS reconfiguration as one critical alert, stored with the parts it cites.
    const intrusion = await lineWith('cyber_physical.correlation', 240_000);
    expect(intrusion).toMatch(/^CRITICAL\s+cyber_physical\.correlation\s+zone:fra1\/power-room — /);
    const [correlation] = await storedAlerts(port, key!, 'cyber_physical.correlation', 15_000);
    expect(correlation!.related.length).toBeGreaterThanOrEqual(2);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
  }, 360_000);
});
