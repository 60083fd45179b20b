import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { simulateCommand } from '../../../services/cli/commands/simulate.ts';
import { main } from '../../../services/cli/main.ts';

function io(): { stdout: PassThrough; stderr: PassThrough; text: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  return { stdout, stderr, text: () => out, err: () => err };
}

const dir = mkdtempSync(join(tmpdir(), 'vigil-sim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('vigil simulate', () => {
  it('writes the same bytes for the same seed', async () => {
    const args = (out: string): string[] => [
      '--seed',
      '5',
      '--days',
      '1',
      '--scenarios',
      'all',
      '--out',
      join(dir, out),
    ];
    const a = io();
    expect(await simulateCommand.run(args('a'), a)).toBe(0);
    expect(await simulateCommand.run(args('b'), io())).toBe(0);
    for (const f of ['events.ndjson', 'labels.json', 'world.json']) {
      expect(readFileSync(join(dir, 'b', f)).equals(readFileSync(join(dir, 'a', f))), f).toBe(true);
    }
    const lines = readFileSync(join(dir, 'a', 'events.ndjson'), 'utf8')
      .trimEnd()
      .split('\n');
    expect(a.text()).toContain(`simulate: ${lines.length} events`);
    const types = new Set(lines.map((l) => (JSON.parse(l) as { type: string }).type));
    expect(types).toEqual(new Set(['inference', 'access', 'facility']));
    const labels = JSON.parse(readFileSync(join(dir, 'a', 'labels.json'), 'utf8')) as { name: string }[];
    expect(labels.length).toBe(19);
  }, 60_000);

  it('applies --set and --scenarios', async () => {
    const out = join(dir, 'c');
    const args = [
      '--days',
      '2',
      '--scenarios',
      'drift-input,denied-burst',
      '--set',
      'denied-burst.start=+1d12h',
      '--set',
      'drift-input.features=velocity',
      '--out',
      out,
    ];
    expect(await simulateCommand.run(args, io())).toBe(0);
    const labels = JSON.parse(readFileSync(join(dir, 'c', 'labels.json'), 'utf8')) as {
      name: string;
      start: string;
      params: Record<string, unknown>;
    }[];
    expect(labels.map((l) => l.name)).toEqual(['drift-input', 'denied-burst']);
    expect(labels[1]?.start).toBe('2026-03-03T12:00:00.000Z');
    expect(labels[0]?.params['features']).toEqual(['velocity']);
  }, 30_000);

  it('lists scenarios and reports usage errors with exit code 2', async () => {
    const l = io();
    expect(await main(['simulate', '--list'], l)).toBe(0);
    expect(l.text()).toContain('extraction-prada');
    expect(l.text()).toContain('rate_per_hour');
    const e = io();
    expect(await main(['simulate', '--out', join(dir, 'x'), '--scenarios', 'bogus'], e)).toBe(2);
    expect(e.err()).toContain('VGL_ERR_CLI_USAGE');
    const f = io();
    expect(await main(['simulate', '--out', join(dir, 'x'), '--set', 'denied-burst.nope=1'], f)).toBe(2);
    expect(f.err()).toMatch(/no parameter "nope"/);
    expect(await main(['simulate'], io())).toBe(2);
  });
});
