/**
 * Replays recorded events (NDJSON, in time order) through the same Processor the live
 * monitors use — event-time semantics, so the alerts equal those of the live run.
 * Invalid lines are counted and reported, never fatal.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { decodeText, type Decoded } from '../events/decode.ts';
import type { Alert, EventType, VigilEvent } from '../events/types.ts';
import { Processor } from './processor.ts';
import type { ResolvedDetector } from './registry.ts';

export interface InvalidLine {
  line: number;
  reason: string;
}

export interface ReplaySummary {
  lines: number;
  events: number;
  invalid: number;
  /** The first invalid lines (at most `maxInvalidReported`). */
  invalidSamples: InvalidLine[];
  alerts: Alert[];
  seconds: number;
  eventsPerSecond: number;
  detectorFailures: number;
}

export interface ReplayOptions {
  detectors: readonly ResolvedDetector[];
  /** Events are processed in chunks of this many lines (default 4096). */
  chunkLines?: number;
  maxInvalidReported?: number;
  now?: () => number;
}

const TYPES: readonly EventType[] = ['inference', 'access', 'facility'];

export async function replayFile(path: string, options: ReplayOptions): Promise<ReplaySummary> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  return replayLines(lines, options);
}

export async function replayLines(
  lines: AsyncIterable<string>,
  options: ReplayOptions,
): Promise<ReplaySummary> {
  const started = process.hrtime.bigint();
  const now = options.now ?? Date.now;
  const chunkLines = options.chunkLines ?? 4096;
  const maxInvalid = options.maxInvalidReported ?? 20;
  const processors = new Map<EventType, Processor>(
    TYPES.map((t) => [t, new Processor(options.detectors.filter((d) => d.definition.eventType === t))]),
  );
  const byType = new Map<EventType, VigilEvent[]>(TYPES.map((t) => [t, []]));
  const alerts = new Map<string, Alert>();
  const failures: { detector: string; eventId: string; error: unknown }[] = [];
  const summary = { lines: 0, events: 0, invalid: 0, invalidSamples: [] as InvalidLine[] };
  let pending = 0;

  const flush = (): void => {
    const detectedAt = now();
    for (const [type, events] of byType) {
      if (events.length === 0) continue;
      processors.get(type)!.process(events, detectedAt, alerts, failures);
      summary.events += events.length;
      events.length = 0;
    }
    pending = 0;
  };

  const decoded: Decoded = { events: [], rejections: [] };
  for await (const line of lines) {
    summary.lines++;
    if (line.trim() === '') continue;
    decoded.events.length = 0;
    decoded.rejections.length = 0;
    decodeText(line, decoded);
    for (const r of decoded.rejections) {
      summary.invalid++;
      if (summary.invalidSamples.length < maxInvalid) {
        summary.invalidSamples.push({ line: summary.lines, reason: r.reason });
      }
    }
    for (const event of decoded.events) byType.get(event.type)!.push(event);
    if (++pending >= chunkLines) flush();
  }
  flush();

  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const sorted = [...alerts.values()].sort(
    (a, b) => a.first_seen.localeCompare(b.first_seen) || a.alert_id.localeCompare(b.alert_id),
  );
  return {
    ...summary,
    alerts: sorted,
    seconds,
    eventsPerSecond: seconds > 0 ? summary.events / seconds : 0,
    detectorFailures: failures.length,
  };
}
