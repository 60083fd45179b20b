import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../shared/events/types.ts';
import { EventClock, accessEvent, inferenceEvent, upsEvent } from '../../harness/events.ts';

const run = promisify(execFile);
const BIN = new URL('../../../bin/vigil.mjs', import.meta.url).pathname;

function mixedFile(dir: string): { path: string; valid: number; invalid: number } {
  const clock = new EventClock(Date.parse('2026-03-02T09:00:00Z'), 'r');
  const lines: string[] = [];
  let valid = 0;
  for (let i = 0; i < 300; i++) {
    clock.advance(1000);
    const e =
      i % 3 === 0
        ? accessEvent(clock)
        : i % 3 === 1
          ? inferenceEvent(clock)
          : upsEvent(clock, { device_id: `ups-${i % 4}` });
    lines.push(JSON.stringify({ ...e, ts: new Date(e.ts).toISOString() }));
    valid++;
  }
  // One crossing, then the same crossing again a minute later: one alert, two events.
  lines.push(JSON.stringify(accessEvent(clock.advance(1000), { resource_tenant: 'globex' })));
  lines.push(JSON.stringify(accessEvent(clock.advance(60_000), { resource_tenant: 'globex' })));
  valid += 2;
  const bad = [
    '{"type":"access", broken json',
    JSON.stringify({ ...inferenceEvent(clock), latency_ms: 'slow' }),
    JSON.stringify({ ...accessEvent(clock), bytes: -5 }),
    JSON.stringify({ ...accessEvent(clock), type: 'network' }),
    JSON.stringify({ ...accessEvent(clock), resource: 'x'.repeat(5000) }),
    JSON.stringify({ ...upsEvent(clock), metrics: { load_pct: 'high' } }),
    '[1, 2',
  ];
  lines.splice(10, 0, ...bad.slice(0, 4));
  lines.splice(200, 0, '', ...bad.slice(4));
  const path = join(dir, 'events.ndjson');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return { path, valid, invalid: bad.length };
}

describe('vigil replay', () => {
  it('processes valid events, reports invalid lines on stderr, writes final alerts, exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-replay-'));
    const { path, valid, invalid } = mixedFile(dir);
    const out = join(dir, 'alerts.ndjson');
    const { stdout, stderr } = await run(
      'node',
      [BIN, 'replay', '--input', path, '--alerts-out', out, '--no-store'],
      {
        env: { ...process.env, VIGIL_DATA_DIR: dir },
      },
    );
    expect(stdout).toMatch(
      new RegExp(`replayed ${valid} events .* events/s\\); ${invalid} invalid lines; 1 alerts`),
    );
    expect(stderr).toContain(`${invalid} invalid lines skipped`);
    expect(stderr).toContain('inference.latency_ms: expected number, got "slow"');
    expect(stderr).toContain('access.bytes: must be ≥ 0');
    expect(stderr).toContain('type: expected one of inference | access | facility, got "network"');
    expect(stderr).toContain('access.resource: string longer than 4096 bytes');
    expect(stderr).toContain('message: invalid JSON');
    expect(stderr).toMatch(/line 11: message: invalid JSON/);

    const alerts = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Alert);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ detector: 'access.cross_tenant', event_count: 2, tenant: 'acme' });
    expect(alerts[0]!.evidence.sample_event_ids).toHaveLength(2);
  }, 60_000);

  it('gives the same alert ids on a second run (deterministic identity)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-replay-'));
    const { path } = mixedFile(dir);
    const ids = async (name: string) => {
      const out = join(dir, name);
      await run('node', [BIN, 'replay', '--input', path, '--alerts-out', out, '--no-store']);
      return readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as Alert).alert_id);
    };
    expect(await ids('a.ndjson')).toEqual(await ids('b.ndjson'));
  }, 60_000);

  it('fails with a usage error when --input is missing or does not exist', async () => {
    await expect(run('node', [BIN, 'replay'])).rejects.toMatchObject({ code: 2 });
    await expect(run('node', [BIN, 'replay', '--input', '/nonexistent.ndjson'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('VGL_ERR_INPUT_FILE'),
    });
  }, 60_000);
});
