/**
 * Per-event cost of the hot path, one core, no I/O: decode + validate NDJSON lines, then
 * per service every enabled detector of the catalogue over its events, partitioned as
 * live, with each batch's changed state encoded into changelog records (the Processor, as
 * in the monitors and `vigil replay`). Input is built before timing; each stage's result
 * is checked so the work cannot be skipped. Units: events per second; bytes per event and
 * per state key.
 *
 *   npm run bench:pipeline [-- --events 200000] [--batch-events 30000]
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

const decode = time(() => {
  const out: Decoded = { events: [], rejections: [] };
  for (const line of lines) decodeText(line, out);
  return out;
});
if (decode.result.rejections.length > 0)
  throw new Error(`unexpected rejections: ${decode.result.rejections[0]!.reason}`);

const detectors = resolveDetectors(ALL_DETECTORS, {});
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
  const detectOnly = { seconds: 0 };
  const total = time(() => {
    for (let i = 0; i < events.length; i += BATCH) {
      const started = process.hrtime.bigint();
      for (const e of events.slice(i, i + BATCH)) run.add(e);
      run.flush(0, alerts);
      detectOnly.seconds += Number(process.hrtime.bigint() - started) / 1e9;
      for (const [, p] of run.entries()) {
        for (const r of p.drain()) {
          records++;
          recordBytes += r.key.length + (r.value?.length ?? 0);
        }
        p.compact();
      }
    }
  });
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
    events_per_s: Math.round(events.length / total.seconds),
    detect_only_events_per_s: Math.round(events.length / detectOnly.seconds),
    changelog_records_per_1000_events: Math.round((records / events.length) * 1000),
    changelog_bytes_per_event: Math.round(recordBytes / events.length),
    detector_events_per_s: Object.fromEntries(
      Object.entries(perDetector).map(([id, s]) => [id, Math.round(events.length / s)]),
    ),
    state: stores,
    alerts: alerts.size,
  };
}

const BATCH = Number(values['batch-events']);
const services: Record<string, ReturnType<typeof runService>> = {};
let detectSeconds = 0;
for (const [type, events] of byType) {
  const started = process.hrtime.bigint();
  services[SERVICE[type]] = runService(events);
  detectSeconds += Number(process.hrtime.bigint() - started) / 1e9;
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
