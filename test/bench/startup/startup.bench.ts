/**
 * Start-up cost of the `vigil` command, as a user pays it: CPU time (user + system) and
 * peak RSS of whole processes, each command in a fresh process, interleaved round by round
 * (node -e 0, vigil --help, vigil score) so a drifting machine load hits all three alike.
 * Reports medians and the ratios to a bare `node -e 0` (issue 18: --help ≤ 5×, score on a
 * 4,000-row series ≤ 6×). Runs the built bin (dist/): `npm run build` first.
 *
 *   npm run bench:startup [-- --rounds 9]
 *
 * Unit: CPU milliseconds and MiB. The score output is checked (4,000 rows scored) so a
 * failing command cannot look fast.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { machine } from '../machine.ts';

const ROWS = 4000;
const root = new URL('../../../', import.meta.url);
const bin = new URL('bin/vigil.mjs', root).pathname;
const probe = new URL('./rusage-probe.mjs', import.meta.url).href;

interface Sample {
  cpu_ms: number;
  rss_mib: number;
}

/** A daily-seasonal series with noise and one spike, five-minute steps. */
function writeSeries(path: string): void {
  const lines = ['timestamp,value'];
  const t0 = Date.parse('2026-03-02T00:00:00Z');
  let seed = 7;
  const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5;
  for (let i = 0; i < ROWS; i++) {
    const daily = 10 * Math.sin((2 * Math.PI * i) / 288);
    const value = 50 + daily + 2 * rand() + (i === 3000 ? 60 : 0);
    lines.push(`${new Date(t0 + i * 300_000).toISOString()},${value.toFixed(3)}`);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

function measure(args: string[], check?: () => void): Sample {
  const r = spawnSync(process.execPath, ['--import', probe, ...args], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  check?.();
  const out = (r.output[3] as string | null) ?? '';
  const rec = JSON.parse(out.trim()) as { cpu_us: number; max_rss_kib: number };
  return { cpu_ms: rec.cpu_us / 1000, rss_mib: rec.max_rss_kib / 1024 };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '7' } } });
const rounds = Number(values.rounds);
if (!existsSync(new URL('dist/services/cli/main.js', root))) {
  throw new Error('dist/ is missing: run "npm run build" first (the benchmark measures the build)');
}
const dir = mkdtempSync(join(tmpdir(), 'vigil-startup-'));
const input = join(dir, 'series.csv');
const output = join(dir, 'scores.csv');
writeSeries(input);
const checkScores = (): void => {
  const rows = readFileSync(output, 'utf8').trimEnd().split('\n').length - 1;
  if (rows !== ROWS) throw new Error(`vigil score wrote ${rows} rows, expected ${ROWS}`);
};

const commands = {
  node_e_0: { args: ['-e', '0'] },
  vigil_help: { args: [bin, '--help'] },
  vigil_score_4000: { args: [bin, 'score', '--input', input, '--output', output], check: checkScores },
} as const;
type Name = keyof typeof commands;
const samples: Record<Name, Sample[]> = { node_e_0: [], vigil_help: [], vigil_score_4000: [] };
const load = loadavg()[0];
try {
  // One warm-up round fills the page cache; it is not counted.
  for (let round = -1; round < rounds; round++) {
    for (const name of Object.keys(commands) as Name[]) {
      const c: { args: readonly string[]; check?: () => void } = commands[name];
      const s = measure([...c.args], c.check);
      if (round >= 0) samples[name].push(s);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const summary = Object.fromEntries(
  (Object.keys(samples) as Name[]).map((name) => [
    name,
    {
      cpu_ms_median: +median(samples[name].map((s) => s.cpu_ms)).toFixed(1),
      cpu_ms_min: +Math.min(...samples[name].map((s) => s.cpu_ms)).toFixed(1),
      cpu_ms_max: +Math.max(...samples[name].map((s) => s.cpu_ms)).toFixed(1),
      rss_mib_median: +median(samples[name].map((s) => s.rss_mib)).toFixed(1),
    },
  ]),
) as unknown as Record<Name, { cpu_ms_median: number; rss_mib_median: number }>;
const base = summary.node_e_0.cpu_ms_median;
console.log(
  JSON.stringify(
    {
      benchmark: 'startup',
      unit: { cpu: 'ms (user + system, median of rounds)', rss: 'MiB (peak)' },
      rounds,
      score_rows: ROWS,
      commands: summary,
      ratios_cpu: {
        vigil_help: +(summary.vigil_help.cpu_ms_median / base).toFixed(2),
        vigil_score_4000: +(summary.vigil_score_4000.cpu_ms_median / base).toFixed(2),
      },
      targets: { vigil_help: 5, vigil_score_4000: 6 },
      load_average_1m: { before: +(load ?? 0).toFixed(2), after: +(loadavg()[0] ?? 0).toFixed(2) },
      machine: machine(),
    },
    null,
    2,
  ),
);
