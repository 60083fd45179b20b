/**
 * Benchmark: events/s that `vigil simulate --out` writes to an NDJSON file on one core
 * (issue 5 asks for ≥ 200,000). Unit: events per second of wall time, and per second of
 * the process's CPU time (user + system), which a busy shared machine disturbs less.
 *
 * Each run is a fresh process doing what the CLI does — build the world (not timed), then
 * one pass of generation, serialisation and buffered writes — so the JIT warm-up the CLI
 * pays is counted. Targets: `file` (a temporary file: the CLI's cost) and `null`
 * (/dev/null: the same work without the disk). The child checks the file's size against
 * the bytes it wrote, so the work cannot be skipped. Prints JSON with best and median per
 * size and target, the machine and its load average before and after.
 *
 * `--pin N` runs each child under `taskset -c N`: one core for the main thread and V8's
 * background compiler and GC threads together, the strict reading of "on one core".
 *
 *   npm run bench:simulate [-- --sizes small,medium,large --days 1 --runs 5 --targets file,null --pin 1]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { NdjsonFileWriter } from '../../../shared/simulate/ndjson.ts';
import { simulate } from '../../../shared/simulate/simulate.ts';
import type { SizePreset } from '../../../shared/simulate/world-types.ts';

interface RunResult {
  events: number;
  bytes: number;
  wall_s: number;
  cpu_s: number;
}

/** One run, in this process: the child's side. */
function child(size: SizePreset, days: number, path: string): RunResult {
  const sim = simulate({ seed: 1, days, size, scenarios: 'all' });
  const writer = new NdjsonFileWriter(path);
  let events = 0;
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  sim.forEach((e) => {
    writer.write(e);
    events++;
    return true;
  });
  writer.close();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(c0);
  if (path !== '/dev/null' && statSync(path).size !== writer.bytes)
    throw new Error('file size differs from bytes written');
  return { events, bytes: writer.bytes, wall_s: wall, cpu_s: (cpu.user + cpu.system) / 1e6 };
}

const { values } = parseArgs({
  options: {
    sizes: { type: 'string' },
    days: { type: 'string' },
    runs: { type: 'string' },
    targets: { type: 'string' },
    child: { type: 'string' },
    out: { type: 'string' },
    pin: { type: 'string' },
  },
});
const days = Number(values.days ?? 1);

if (values.child !== undefined) {
  const r = child(values.child as SizePreset, days, values.out ?? '/dev/null');
  process.stdout.write(`${JSON.stringify(r)}\n`);
} else {
  const sizes = (values.sizes ?? 'small,medium,large').split(',') as SizePreset[];
  const targets = (values.targets ?? 'file,null').split(',');
  const runs = Number(values.runs ?? 5);
  const self = fileURLToPath(import.meta.url);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
  const loadBefore = loadavg();
  const results: Record<string, unknown>[] = [];
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
  };
  try {
    for (const size of sizes) {
      for (const target of targets) {
        const out = target === 'file' ? join(dir, 'events.ndjson') : '/dev/null';
        const rs: RunResult[] = [];
        for (let i = 0; i < runs; i++) {
          const args = ['--import', 'tsx', self, '--child', size, '--days', String(days), '--out', out];
          const p =
            values.pin === undefined
              ? spawnSync(process.execPath, args, { encoding: 'utf8' })
              : spawnSync('taskset', ['-c', values.pin, process.execPath, ...args], { encoding: 'utf8' });
          if (p.status !== 0) throw new Error(`benchmark child failed: ${p.stderr}`);
          rs.push(JSON.parse(p.stdout.trim().split('\n').pop() ?? '{}') as RunResult);
          if (target === 'file') rmSync(out, { force: true });
        }
        const wall = rs.map((r) => r.events / r.wall_s);
        const cpu = rs.map((r) => r.events / r.cpu_s);
        const first = rs[0] as RunResult;
        results.push({
          size,
          target: target === 'file' ? 'file' : '/dev/null',
          days,
          events: first.events,
          bytes_per_event: Math.round(first.bytes / first.events),
          events_per_s: { best: Math.round(Math.max(...wall)), median: Math.round(median(wall)) },
          events_per_cpu_s: { best: Math.round(Math.max(...cpu)), median: Math.round(median(cpu)) },
          runs_events_per_s: wall.map(Math.round),
        });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    JSON.stringify(
      {
        bench: 'simulate.to_file',
        unit: 'events/s (wall) and events per CPU second; one fresh process per run',
        target_events_per_s: 200_000,
        runs,
        pinned_cpu: values.pin ?? null,
        results,
        machine: {
          cpu: cpus()[0]?.model,
          cores: cpus().length,
          mem_gb: Math.round(totalmem() / 2 ** 30),
          node: process.version,
          platform: `${process.platform}-${process.arch}`,
          loadavg_before: loadBefore.map((x) => Math.round(x * 100) / 100),
          loadavg_after: loadavg().map((x) => Math.round(x * 100) / 100),
        },
      },
      null,
      2,
    ),
  );
}
