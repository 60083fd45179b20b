/**
 * Per-event cost of the hot path, one core, no I/O: decode + validate NDJSON lines, then
 * per service every enabled detector of the catalogue over its events, partitioned as
 * live, with each batch's changed state encoded into changelog records (the Processor, as
 * in the monitors and `vigil replay`). Input is built before timing; each stage's result
 * is checked so the work cannot be skipped. Units: events per second; bytes per event and
 * per state key.
 *
 *   npm run bench:pipeline [-- --events 200000] [--batch-events 30000] [--repeat 5] [--service S]
 *                      [--disable id,id]
 *
 * A service's figure is its steady state, as a long-running monitor sees it: one warm-up
 * pass (the JIT compiles the hot path) and then `--repeat` passes over the same events,
 * each on fresh state, reported as the median pass. Routing events to their partition is
 * the broker's work live (the producer's partitioner), so it happens outside the timed
 * part, as does the copy of a badge event to its re-keyed stream (one produce live). `events_per_s` is
 * wall-clock time; `cpu_events_per_s` is this process's CPU time (all threads, garbage
 * collection included), the steadier figure on a shared machine.
 *
 * `--batch-events` is the events of one service between two commits, over all partitions
 * (6): the default, 30,000, is a full 4 MiB fetch per partition at about 700 bytes an
 * event; `--batch-events 1000` shows the cost of a trickle.
 */
import { parseArgs } from 'node:util';
import { ALL_DETECTORS } from '../../../services/cli/catalogue.ts';
import { decodeText, type Decoded } from '../../../shared/events/decode.ts';
import type { Alert, EventType, VigilEvent } from '../../../shared/events/types.ts';
import { PartitionedRun } from '../../../shared/pipeline/partitioned-run.ts';
import { resolveDetectors } from '../../../shared/pipeline/registry.ts';
import { simulate } from '../../../shared/simulate/simulate.ts';
import { machine } from '../machine.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    // A service at full speed reads full fetches: up to 4 MiB per partition, about 10,000
    // events. Each batch's changed state is encoded once, so smaller batches cost more.
    'batch-events': { type: 'string', default: '30000' },
    repeat: { type: 'string', default: '5' },
    // One service only (e.g. `access-monitor`), for profiling it alone.
    service: { type: 'string' },
    // Detectors left out (comma-separated ids), to see what the others cost together.
    disable: { type: 'string', default: '' },
  },
});
const target = Number(values.events);

// Input, outside the timed parts: simulated traffic with every attack scenario.
const lines: string[] = [];
let bytes = 0;
for (const e of simulate({ seed: 7, days: 14, size: 'medium', scenarios: 'all' }).events) {
  const line = JSON.stringify({ ...e, ts: new Date(e.ts).toISOString() });
  lines.push(line);
  bytes += line.length + 1;
  if (lines.length >= target) break;
}

function time<T>(fn: () => T): { seconds: number; result: T } {
  const start = process.hrtime.bigint();
  const result = fn();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, result };
}

const decodeAll = () => {
  const out: Decoded = { events: [], rejections: [] };
  for (const line of lines) decodeText(line, out);
  return out;
};
decodeAll(); // warm-up, as for the services below
const decode = time(decodeAll);
if (decode.result.rejections.length > 0)
  throw new Error(`unexpected rejections: ${decode.result.rejections[0]!.reason}`);

const disabled = values.disable.split(',').filter((id) => id !== '');
const detectors = resolveDetectors(
  ALL_DETECTORS,
  Object.fromEntries(disabled.map((id) => [id, { enabled: false }])),
);
const byType = new Map<EventType, VigilEvent[]>([
  ['inference', []],
  ['access', []],
  ['facility', []],
]);
for (const e of decode.result.events) byType.get(e.type)!.push(e);

const SERVICE: Record<EventType, string> = {
  inference: 'inference-monitor',
  access: 'access-monitor',
  facility: 'facility-monitor',
};

/**
 * One service's monitors as the live pipeline runs them: events routed to their
 * partition's Processor, batches of `BATCH` events, and after each batch the changed
 * keys encoded into changelog records (what a commit carries).
 */
function runService(events: VigilEvent[]) {
  const run = new PartitionedRun(detectors, { allowedLatenessMs: 3_600_000 });
  const alerts = new Map<string, Alert>();
  let records = 0;
  let recordBytes = 0;
  let detectOnly = 0n;
  let total = 0n;
  let cpuMicros = 0;
  for (let i = 0; i < events.length; i += BATCH) {
    // Routing to partitions is the broker's work live: queued before the clock starts.
    for (const e of events.slice(i, i + BATCH)) run.add(e);
    const cpu0 = process.cpuUsage();
    const started = process.hrtime.bigint();
    run.flush(0, alerts);
    const detected = process.hrtime.bigint();
    detectOnly += detected - started;
    for (const [, p] of run.entries()) {
      for (const r of p.drain()) {
        records++;
        recordBytes += r.key.length + (r.value?.length ?? 0);
      }
      p.compact();
    }
    total += process.hrtime.bigint() - started;
    const cpu = process.cpuUsage(cpu0);
    cpuMicros += cpu.user + cpu.system;
  }
  const perDetector: Record<string, number> = {};
  const stores: Record<string, { keys: number; bytes_per_key: number }> = {};
  for (const [, p] of run.entries()) {
    for (const [id, s] of p.drainTimings()) perDetector[id] = (perDetector[id] ?? 0) + s;
    const records = p.exportState();
    for (const r of records) {
      const store = r.key.slice(0, r.key.indexOf('|'));
      const entry = (stores[store] ??= { keys: 0, bytes_per_key: 0 });
      entry.keys++;
      entry.bytes_per_key += r.key.length + (r.value?.length ?? 0);
    }
  }
  for (const s of Object.values(stores)) s.bytes_per_key = Math.round(s.bytes_per_key / s.keys);
  return {
    events: events.length,
    events_per_s: Math.round(events.length / (Number(total) / 1e9)),
    cpu_events_per_s: Math.round(events.length / (cpuMicros / 1e6)),
    detect_only_events_per_s: Math.round(events.length / (Number(detectOnly) / 1e9)),
    changelog_records_per_1000_events: Math.round((records / events.length) * 1000),
    changelog_bytes_per_event: Math.round(recordBytes / events.length),
    detector_events_per_s: Object.fromEntries(
      Object.entries(perDetector).map(([id, s]) => [id, Math.round(events.length / s)]),
    ),
    state: stores,
    alerts: alerts.size,
  };
}

type ServiceResult = ReturnType<typeof runService>;

/** One warm-up pass, then the median of `REPEAT` passes (by wall-clock events/s). */
function steadyState(events: VigilEvent[]): ServiceResult & { passes_events_per_s: number[] } {
  runService(events);
  const passes: ServiceResult[] = [];
  for (let i = 0; i < REPEAT; i++) passes.push(runService(events));
  const byRate = [...passes].sort((a, b) => a.events_per_s - b.events_per_s);
  const median = byRate[Math.floor(byRate.length / 2)]!;
  const cpu = passes.map((p) => p.cpu_events_per_s).sort((a, b) => a - b);
  return {
    ...median,
    cpu_events_per_s: cpu[Math.floor(cpu.length / 2)]!,
    passes_events_per_s: passes.map((p) => p.events_per_s),
  };
}

const BATCH = Number(values['batch-events']);
const REPEAT = Math.max(1, Number(values.repeat));
const services: Record<string, ReturnType<typeof steadyState>> = {};
let detectSeconds = 0;
for (const [type, events] of byType) {
  if (values.service !== undefined && values.service !== SERVICE[type]) continue;
  const result = steadyState(events);
  services[SERVICE[type]] = result;
  detectSeconds += events.length / result.events_per_s;
}
const detect = {
  seconds: detectSeconds,
  result: { alerts: Object.values(services).reduce((n, s) => n + s.alerts, 0) },
};

const n = lines.length;
console.log(
  JSON.stringify(
    {
      bench: 'pipeline',
      unit: 'events/s',
      events: n,
      batch_events: BATCH,
      mean_event_bytes: Math.round(bytes / n),
      mix: Object.fromEntries([...byType].map(([t, e]) => [t, e.length])),
      decode_validate_events_per_s: Math.round(n / decode.seconds),
      detect_events_per_s: Math.round(n / detect.seconds),
      end_to_end_cpu_events_per_s: Math.round(n / (decode.seconds + detect.seconds)),
      services,
      alerts: detect.result.alerts,
      machine: machine(),
    },
    null,
    2,
  ),
);
