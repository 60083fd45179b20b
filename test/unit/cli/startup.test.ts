/**
 * The built `vigil` loads per command (issue 18): --help and score load none of the heavy
 * packages, and a single service without KAFKA_BROKERS stops before connecting anywhere,
 * naming the variable. Runs the build (npm run build precedes the test scripts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../services/cli/commands/index.ts';

const BIN = new URL('../../../bin/vigil.mjs', import.meta.url).pathname;
const PROBE = new URL('../../bench/startup/rusage-probe.mjs', import.meta.url).href;
const HEAVY = ['kafkajs', '@clickhouse/client', 'chdb', 'fastify', 'pino', 'zod', 'prom-client', 'tsx'];
const dir = mkdtempSync(join(tmpdir(), 'vigil-startup-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function vigil(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, ['--import', PROBE, BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    encoding: 'utf8',
    env,
  });
  const probe = JSON.parse(String(r.output[3]).trim()) as { packages: string[] };
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, packages: probe.packages };
}

describe('vigil start-up', () => {
  it('lists the commands without loading any of them', () => {
    const r = vigil(['--help']);
    expect(r.status).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toContain(c.name);
    expect(r.packages.filter((p) => HEAVY.includes(p))).toEqual([]);
  });

  it('scores a series without Kafka, ClickHouse or the HTTP stack', () => {
    const input = join(dir, 's.csv');
    writeFileSync(input, 'timestamp,value\n2026-03-02T00:00:00Z,1\n2026-03-02T00:05:00Z,2\n');
    const r = vigil(['score', '--input', input, '--output', join(dir, 'o.csv')]);
    expect(r.status).toBe(0);
    expect(r.packages.filter((p) => HEAVY.includes(p))).toEqual([]);
  });

  it('refuses a single service without KAFKA_BROKERS, naming the variable', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, VIGIL_DATA_DIR: dir, VIGIL_LOG_LEVEL: 'silent' };
    delete env['KAFKA_BROKERS'];
    const r = vigil(['run', 'access-monitor'], env);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('KAFKA_BROKERS');
    expect(r.stderr).toContain('VGL_ERR_CLI_KAFKA_REQUIRED');
    expect(r.packages).not.toContain('kafkajs');
    expect(r.packages).not.toContain('chdb');
  });

  it('runs the backtest worker threads from the build', () => {
    const events = join(dir, 'events.ndjson');
    const at = (m: number) => Date.parse('2026-03-02T00:00:00Z') + m * 60_000;
    const lines = [];
    for (let m = 0; m < 20; m++) {
      lines.push(
        JSON.stringify({
          type: 'access',
          event_id: `a-${m}`,
          ts: at(m),
          tenant: 'acme',
          principal: { id: 'svc-1', type: 'service', tenant: 'acme' },
          action: 'read',
          resource: { type: 'dataset', id: 'ds-1', tenant: 'acme', sensitivity: 'internal' },
          result: 'allowed',
        }),
      );
    }
    writeFileSync(events, lines.join('\n') + '\n');
    const r = vigil(['backtest', '--input', events, '--workers', '2', '--json']);
    expect(r.stderr).toContain('2 worker threads');
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { configs: unknown[] }).configs).toHaveLength(1);
  });

  it('lists each command under the summary its module gives', async () => {
    for (const entry of COMMANDS) {
      const command = await entry.load();
      expect([command.name, command.summary]).toEqual([entry.name, entry.summary]);
    }
  });
});
