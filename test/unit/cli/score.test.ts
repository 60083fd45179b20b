import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { VigilError } from '../../../shared/errors.ts';
import { score } from '../../../services/cli/commands/score.ts';
import { parseTimestamp } from '../../../services/cli/csv.ts';
import { buildCorpus } from '../../fixtures/univariate/corpus.ts';

const dir = mkdtempSync(join(tmpdir(), 'vigil-score-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

async function run(csv: string): Promise<string[][]> {
  const input = join(dir, `in${++n}.csv`);
  const output = join(dir, `out${n}.csv`);
  writeFileSync(input, csv);
  const io = { stdout: new PassThrough(), stderr: new PassThrough() };
  expect(await score.run(['--input', input, '--output', output], io)).toBe(0);
  return readFileSync(output, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => l.split(','));
}

const series = buildCorpus().find((s) => s.name === 'level_shift-1');
if (series === undefined) throw new Error('corpus changed');
const stamp = (t: number): string => new Date(t).toISOString().replace('T', ' ').slice(0, 19);
const rows = series.values.map((v, i) => `x,${v.toFixed(4)},${stamp(series.timestamps[i] as number)}`);
const csv = (r: string[]): string => `other,value,timestamp\n${r.join('\n')}\n`;

describe('vigil score', () => {
  it('writes timestamp,value,anomaly_score for every row in order, scores in [0, 1]', async () => {
    const out = await run(csv(rows));
    expect(out[0]).toEqual(['timestamp', 'value', 'anomaly_score']);
    expect(out).toHaveLength(rows.length + 1);
    out.slice(1).forEach((r, i) => {
      expect(r[0]).toBe(stamp(series.timestamps[i] as number));
      expect(r[1]).toBe((series.values[i] as number).toFixed(4));
      const s = Number(r[2]);
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(1);
    });
    // The level shift in this series is found near its label.
    const label = series.labels[0] as number;
    const near = out.slice(1 + label - 20, 1 + label + 50).map((r) => Number(r[2]));
    expect(Math.max(...near)).toBeGreaterThanOrEqual(0.5);
  });

  it('is causal: altering later rows leaves earlier scores unchanged', async () => {
    const cut = 2000;
    const a = await run(csv(rows));
    const altered = rows.map((r, i) =>
      i < cut ? r : r.replace(/,([\d.]+),/, (_m, v: string) => `,${Number(v) * 3},`),
    );
    const b = await run(csv(altered));
    expect(b.slice(0, cut + 1)).toEqual(a.slice(0, cut + 1));
    expect(b.slice(cut + 1)).not.toEqual(a.slice(cut + 1));
  });

  it('handles empty, header-only, one-row, constant, gapped and non-numeric input', async () => {
    expect(await run('')).toEqual([['timestamp', 'value', 'anomaly_score']]);
    expect(await run('timestamp,value\n')).toEqual([['timestamp', 'value', 'anomaly_score']]);
    expect(await run('timestamp,value\n2014-04-10 07:15:00,3\n')).toEqual([
      ['timestamp', 'value', 'anomaly_score'],
      ['2014-04-10 07:15:00', '3', '0'],
    ]);
    const constant = Array.from({ length: 400 }, (_, i) => `${1_700_000_000 + i * 60},5`);
    expect((await run(`timestamp,value\n${constant.join('\n')}\n`)).slice(1).every((r) => r[2] === '0')).toBe(
      true,
    );
    const gapped = Array.from({ length: 400 }, (_, i) => {
      const t = new Date(Date.UTC(2024, 0, 1) + (i < 200 ? i : i + 10_000) * 60_000).toISOString();
      return `${t},${10 + Math.sin(i)}`;
    });
    expect(await run(`timestamp,value\n${gapped.join('\n')}\n`)).toHaveLength(401);
    const messy = await run(
      'value,timestamp\nabc,2024-01-01T00:00:00Z\n,2024-01-01T00:01:00Z\n4,not a time\n',
    );
    expect(messy.slice(1)).toEqual([
      ['2024-01-01T00:00:00Z', 'abc', '0'],
      ['2024-01-01T00:01:00Z', '', '0'],
      ['not a time', '4', '0'],
    ]);
  });

  it('parses the timestamp forms of real datasets', () => {
    expect(parseTimestamp('2014-04-10 07:15:00')).toBe(Date.UTC(2014, 3, 10, 7, 15));
    expect(parseTimestamp('2014-04-10T07:15:00+02:00')).toBe(Date.UTC(2014, 3, 10, 5, 15));
    expect(parseTimestamp('2014-04-10T07:15:00.250Z')).toBe(Date.UTC(2014, 3, 10, 7, 15, 0, 250));
    expect(parseTimestamp('2014-04-10 07:15')).toBe(Date.UTC(2014, 3, 10, 7, 15));
    expect(parseTimestamp('1397114100')).toBe(Date.UTC(2014, 3, 10, 7, 15));
    expect(parseTimestamp('1397114100000')).toBe(Date.UTC(2014, 3, 10, 7, 15));
    expect(Number.isNaN(parseTimestamp('yesterday'))).toBe(true);
  });

  it('fails with typed errors on bad usage and unreadable input', async () => {
    const io = { stdout: new PassThrough(), stderr: new PassThrough() };
    await expect(
      score.run(['--input', join(dir, 'missing.csv'), '--output', join(dir, 'o.csv')], io),
    ).rejects.toMatchObject({
      code: 'VGL_ERR_INPUT_FILE',
    });
    await expect(score.run(['--input', join(dir, 'x.csv')], io)).rejects.toMatchObject({
      code: 'VGL_ERR_CLI_USAGE',
    });
    const noNumbers = join(dir, 'nonumbers.csv');
    writeFileSync(noNumbers, 'timestamp,site\n2024-01-01,fra1\n');
    await expect(
      score.run(['--input', noNumbers, '--output', join(dir, 'o.csv')], io),
    ).rejects.toBeInstanceOf(VigilError);
    const noTime = join(dir, 'notime.csv');
    writeFileSync(noTime, 'when,value\n2024-01-01,3\n');
    await expect(score.run(['--input', noTime, '--output', join(dir, 'o.csv')], io)).rejects.toMatchObject({
      code: 'VGL_ERR_INPUT_FILE',
    });
    await expect(
      score.run(['--input', noNumbers, '--output', join(dir, 'no', 'such', 'dir.csv')], io),
    ).rejects.toMatchObject({ code: 'VGL_ERR_OUTPUT_FILE' });
  });
});

describe('vigil score with several numeric columns (one device)', () => {
  // A cooling unit every 5 minutes: supply temperature and fan speed with a daily cycle; from
  // row 4,420 the supply temperature creeps up while the fan slows.
  const ONSET = 4420;
  const device = Array.from({ length: 5000 }, (_, i) => {
    const day = Math.sin((2 * Math.PI * i) / 288);
    const k = Math.max(0, i - ONSET);
    const supply = 18 + 0.5 * day + 0.15 * Math.sin(i * 1.7) + 0.004 * k;
    const fan = 1200 + 30 * day + 15 * Math.cos(i * 2.3) - 0.25 * k;
    return `${stamp(Date.UTC(2024, 0, 1) + i * 300_000)},${supply.toFixed(3)},unit-7,${fan.toFixed(1)}`;
  });
  const deviceCsv = (r: string[]): string => `timestamp,supply_c,device,fan_rpm\n${r.join('\n')}\n`;

  it('keeps the numeric columns and adds a combined and a per-column score to every row', async () => {
    const out = await run(deviceCsv(device));
    expect(out[0]).toEqual([
      'timestamp',
      'supply_c',
      'fan_rpm',
      'anomaly_score',
      'anomaly_score_supply_c',
      'anomaly_score_fan_rpm',
    ]);
    expect(out).toHaveLength(device.length + 1);
    out.slice(1).forEach((r, i) => {
      const cells = (device[i] as string).split(',');
      expect(r.slice(0, 3)).toEqual([cells[0], cells[1], cells[3]]);
      for (const s of r.slice(3).map(Number)) {
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
      }
    });
    // The joint creep is one alert within a few hours of its onset.
    const after = out.slice(1 + ONSET, 1 + ONSET + 200).map((r) => Number(r[3]));
    expect(Math.max(...after)).toBeGreaterThanOrEqual(0.5);
  });

  it('is causal, and scores a missing metric 0 while the others go on', async () => {
    const cut = 3000;
    const a = await run(deviceCsv(device));
    const altered = device.map((r, i) => (i < cut ? r : r.replace(/,(\d+\.\d)$/, ',9999.0')));
    const b = await run(deviceCsv(altered));
    expect(b.slice(0, cut + 1)).toEqual(a.slice(0, cut + 1));
    const gaps = device.map((r, i) =>
      i === 2500 ? r.replace(/,[\d.]+$/, ',') : i === 2501 ? r.replace(/,[\d.]+,/, ',,') : r,
    );
    const c = await run(deviceCsv(gaps));
    expect(c[2501]?.[2]).toBe('');
    expect(c[2501]?.[5]).toBe('0');
    expect(c[2502]?.[1]).toBe('');
    expect(c[2502]?.[4]).toBe('0');
    const none = await run('timestamp,a,b\n2024-01-01T00:00:00Z,,\n2024-01-01T00:01:00Z,1,2\n');
    expect(none).toEqual([
      ['timestamp', 'a', 'b', 'anomaly_score', 'anomaly_score_a', 'anomaly_score_b'],
      ['2024-01-01T00:00:00Z', '', '', '0', '0', '0'],
      ['2024-01-01T00:01:00Z', '1', '2', '0', '0', '0'],
    ]);
  });
});
