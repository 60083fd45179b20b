/**
 * Per-event cost of the hot path, one core, no I/O: decode + validate NDJSON lines, then
 * every enabled detector of the catalogue over the validated events (the Processor, as in
 * the monitors and `vigil replay`). Input is built before timing; each stage's result is
 * checked so the work cannot be skipped. Units: events per second; bytes per event.
 *
 *   npm run bench:pipeline [-- --events 200000]
 */
import { parseArgs } from 'node:util';
import { ALL_DETECTORS } from '../../../services/cli/catalogue.ts';
import { decodeText, type Decoded } from '../../../shared/events/decode.ts';
import type { Alert, EventType, VigilEvent } from '../../../shared/events/types.ts';
import { Processor } from '../../../shared/pipeline/processor.ts';
import { resolveDetectors } from '../../../shared/pipeline/registry.ts';
import { simulate } from '../../../shared/simulate/simulate.ts';
import { machine } from '../machine.ts';

const { values } = parseArgs({ options: { events: { type: 'string', default: '200000' } } });
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

const detect = time(() => {
  const alerts = new Map<string, Alert>();
  const perDetector: Record<string, number> = {};
  for (const [type, events] of byType) {
    const processor = new Processor(detectors.filter((d) => d.definition.eventType === type));
    for (let i = 0; i < events.length; i += 1000) processor.process(events.slice(i, i + 1000), 0, alerts);
    for (const [id, s] of processor.drainTimings()) perDetector[id] = Math.round(events.length / s);
  }
  return { alerts: alerts.size, perDetector };
});

const n = lines.length;
console.log(
  JSON.stringify(
    {
      bench: 'pipeline',
      unit: 'events/s',
      events: n,
      mean_event_bytes: Math.round(bytes / n),
      mix: Object.fromEntries([...byType].map(([t, e]) => [t, e.length])),
      decode_validate_events_per_s: Math.round(n / decode.seconds),
      detect_events_per_s: Math.round(n / detect.seconds),
      end_to_end_cpu_events_per_s: Math.round(n / (decode.seconds + detect.seconds)),
      detector_events_per_s: detect.result.perDetector,
      alerts: detect.result.alerts,
      machine: machine(),
    },
    null,
    2,
  ),
);
