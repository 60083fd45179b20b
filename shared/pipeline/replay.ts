/**
 * Replays recorded events (NDJSON, in time order) through the same Processor the live
 * monitors use, one per mirrored partition — event-time semantics, so the alerts equal
 * those of the live run. Invalid lines and late events are counted and reported, never fatal.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { decodeText, type Decoded } from '../events/decode.ts';
import type { Alert, VigilEvent } from '../events/types.ts';
import { PartitionedRun, type PartitionedRunOptions } from './partitioned-run.ts';
import type { DetectorFailure } from './processor.ts';
import type { ResolvedDetector } from './registry.ts';

export interface InvalidLine {
  line: number;
  reason: string;
}

export interface ReplaySummary {
  lines: number;
  events: number;
  invalid: number;
  /** Events older than their partition's watermark by more than the allowed lateness (counted in `invalid`). */
  late: number;
  /** The first invalid lines (at most `maxInvalidReported`). */
  invalidSamples: InvalidLine[];
  alerts: Alert[];
  seconds: number;
  eventsPerSecond: number;
  detectorFailures: number;
}

export interface ReplayOptions extends PartitionedRunOptions {
  detectors: readonly ResolvedDetector[];
  /** Events are processed in chunks of this many lines (default 4096). */
  chunkLines?: number;
  maxInvalidReported?: number;
  now?: () => number;
}

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
  const run = new PartitionedRun(options.detectors, options);
  const alerts = new Map<string, Alert>();
  const failures: DetectorFailure[] = [];
  const late: VigilEvent[] = [];
  const summary = { lines: 0, events: 0, invalid: 0, late: 0, invalidSamples: [] as InvalidLine[] };
  let pending = 0;

  const flush = (): void => {
    late.length = 0;
    summary.events += run.flush(now(), alerts, failures, late);
    summary.late += late.length;
    summary.events -= late.length;
    for (const e of late) {
      summary.invalid++;
      if (summary.invalidSamples.length < maxInvalid)
        summary.invalidSamples.push({
          line: 0,
          reason: `late: event ${e.event_id} older than the allowed lateness`,
        });
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
    for (const event of decoded.events) run.add(event);
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
