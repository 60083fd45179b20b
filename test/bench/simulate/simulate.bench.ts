/**
 * Benchmark: events/s that `vigil simulate` writes to an NDJSON file on one core (the
 * generator, serializer and buffered writer, as the CLI runs them), plus the event mix.
 * Unit: events per second of wall time. The world is built outside the timed part; the
 * file's byte count is checked against the bytes written so the work cannot be skipped.
 *
 *   npm run bench:simulate [-- --size medium --days 2]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { NdjsonFileWriter } from '../../../shared/simulate/ndjson.ts';
import { simulate } from '../../../shared/simulate/simulate.ts';
import type { SizePreset } from '../../../shared/simulate/world-types.ts';

const { values } = parseArgs({
  options: { size: { type: 'string' }, days: { type: 'string' }, runs: { type: 'string' } },
});
const size = (values.size ?? 'medium') as SizePreset;
const days = Number(values.days ?? 2);
const runs = Number(values.runs ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
const path = join(dir, 'events.ndjson');

const results: number[] = [];
let mix: Record<string, number> = {};
let count = 0;
let bytes = 0;
for (let r = 0; r < runs; r++) {
  const sim = simulate({ seed: 1, days, size, scenarios: 'all' });
  const writer = new NdjsonFileWriter(path);
  mix = {
    inference: 0,
    access: 0,
    facility: 0,
    'facility.ups': 0,
    'facility.cooling': 0,
    'facility.badge': 0,
  };
  count = 0;
  const t0 = process.hrtime.bigint();
  for (const e of sim.events) {
    writer.write(e);
    mix[e.type]! += 1;
    if (e.type === 'facility') mix[`facility.${e.kind}`]! += 1;
    count++;
  }
  writer.close();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  bytes = writer.bytes;
  if (statSync(path).size !== bytes) throw new Error('file size differs from bytes written');
  results.push(count / secs);
}
rmSync(dir, { recursive: true, force: true });
const sorted = [...results].sort((a, b) => a - b);
console.log(
  JSON.stringify(
    {
      bench: 'simulate.to_file',
      unit: 'events/s',
      size,
      days,
      events: count,
      bytes_per_event: Math.round(bytes / count),
      events_per_s_median: Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0),
      events_per_s_best: Math.round(sorted[sorted.length - 1] ?? 0),
      runs: results.map(Math.round),
      mix,
      machine: {
        cpu: cpus()[0]?.model,
        cores: cpus().length,
        node: process.version,
        platform: process.platform,
        loadavg: (await import('node:os')).loadavg(),
      },
    },
    null,
    2,
  ),
);
