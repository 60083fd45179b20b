/**
 * `vigil backtest` end to end on a simulated week (seed 23, not used for tuning): under the
 * default config the injected attacks of the implemented detectors (cross-tenant read,
 * cooling failure) are found; a second config with one scoped rule shows what the rule
 * changes and nothing else. Worker threads split by event type give the same results as
 * one thread.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { backtest } from '../../../services/cli/commands/backtest.ts';
import { simulateCommand } from '../../../services/cli/commands/simulate.ts';
import type { BacktestJson } from '../../../shared/backtest/report.ts';
import type { Label } from '../../../shared/simulate/label.ts';

function capture(): { io: { stdout: Writable; stderr: Writable }; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const sink = (add: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, done) {
        add(String(chunk));
        done();
      },
    });
  return {
    io: { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)) },
    out: () => out,
    err: () => err,
  };
}

async function cli(command: typeof backtest, argv: string[]): Promise<{ out: string; err: string }> {
  const c = capture();
  const code = await command.run(argv, c.io);
  expect(code, c.err()).toBe(0);
  return { out: c.out(), err: c.err() };
}

describe('vigil backtest', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-backtest-'));
  const week = join(dir, 'week');
  const day = join(dir, 'day');
  let labels: Label[];

  beforeAll(async () => {
    await cli(simulateCommand, ['--seed', '23', '--days', '7', '--scenarios', 'all', '--out', week]);
    await cli(simulateCommand, ['--seed', '29', '--days', '1', '--scenarios', 'all', '--out', day]);
    labels = JSON.parse(readFileSync(join(week, 'labels.json'), 'utf8')) as Label[];
  }, 120_000);

  it('reports the injected attacks as found, and the difference a rule makes', async () => {
    const attacker = labels.find((l) => l.name === 'cross-tenant-read')!.entity.id;
    const tuned = join(dir, 'tuned.yaml');
    writeFileSync(
      tuned,
      JSON.stringify({
        rules: [
          {
            id: 'trust-attacker',
            reason: 'what a wrong suppression would cost: the attacker is silenced',
            effect: 'skip_alert',
            match: { detectors: ['access.cross_tenant'], entity: { type: 'principal', id: attacker } },
          },
        ],
      }),
    );
    const html = join(dir, 'report.html');
    const args = [
      '--input',
      join(week, 'events.ndjson'),
      '--labels',
      join(week, 'labels.json'),
      '--workers',
      '0',
    ];
    const { out, err } = await cli(backtest, [...args, '--config', tuned, '--json', '--html', html]);
    expect(err).toMatch(/^backtest: \d+ events × 2 configs in [\d.]+ s/m);
    const report = JSON.parse(out) as BacktestJson;
    expect(report.configs.map((c) => c.config)).toEqual(['default', tuned]);
    const [base, rule] = report.configs as [BacktestJson['configs'][0], BacktestJson['configs'][0]];
    for (const m of Object.values(base.detectors))
      expect(Object.keys(m)).toEqual([
        'alerts',
        'precision',
        'recall',
        'median_delay_minutes',
        'false_alerts_per_day',
      ]);

    // Default: both attacks found, the cross-tenant read within a minute.
    expect(base.detectors['access.cross_tenant']).toMatchObject({ recall: 1, precision: 1 });
    expect(base.detectors['access.cross_tenant']!.median_delay_minutes).toBeLessThan(1);
    expect(base.detectors['facility.metric']!.recall).toBe(1);
    expect(base.detectors['facility.metric']!.false_alerts_per_day).toBeLessThanOrEqual(1);

    // The rule: the cross-tenant attack is missed, everything else is unchanged.
    expect(rule.detectors['access.cross_tenant']).toMatchObject({ recall: 0, median_delay_minutes: null });
    expect(rule.detectors['access.cross_tenant']!.alerts).toBe(
      base.detectors['access.cross_tenant']!.alerts - 1,
    );
    const { ['access.cross_tenant']: _a, ...baseRest } = base.detectors;
    const { ['access.cross_tenant']: _b, ...ruleRest } = rule.detectors;
    expect(ruleRest).toEqual(baseRest);

    // The report names both configs and what the rule did (findings it suppressed).
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<svg');
    expect(page).not.toMatch(/(src|href)=/);
    expect(page).toMatch(/rule trust-attacker applied [1-9]\d*×/);
  }, 240_000);

  it('worker threads split by event type give exactly the single-thread results', async () => {
    const args = ['--input', join(day, 'events.ndjson'), '--labels', join(day, 'labels.json'), '--json'];
    const one = await cli(backtest, [...args, '--workers', '0']);
    const three = await cli(backtest, [...args, '--workers', '3']);
    expect(three.err).toContain('3 worker threads');
    expect(JSON.parse(three.out)).toEqual(JSON.parse(one.out));
  }, 120_000);
});
