/**
 * Runs every config of a backtest over one input, side by side: the input is read once and
 * each chunk of lines goes to every config. With `workers` > 0, each config runs in worker
 * threads — up to three per config, split by event type (types never share a processor,
 * so the split changes nothing in the results) — with at most a few chunks in flight per
 * worker so a fast reader cannot flood memory. With 0, everything runs in this thread.
 */
import { startModuleWorker } from '../../../shared/module-worker.ts';
import type { ShardResult } from '../../../shared/backtest/shard.ts';
import { vigilError } from '../../../shared/errors.ts';
import type { EventType } from '../../../shared/events/types.ts';
import { ALL_TYPES, configShard } from './config-shard.ts';
import type { ToWorker, WorkerInput } from './worker.ts';

export interface LineInput {
  /** NDJSON lines in chunks, in input order. */
  chunks: AsyncIterable<string[]>;
  /** Share of the input read so far, 0–1 (for the progress bar). */
  fraction(): number;
}

export interface RunOptions {
  /** Config files; undefined is the built-in default. */
  configs: ReadonlyArray<string | undefined>;
  workers: number;
  onProgress?(fraction: number): void;
}

interface Runner {
  send(lines: string[]): Promise<void>;
  finish(): Promise<ShardResult>;
}

const MAX_IN_FLIGHT = 4;

/** Event types per shard when a config gets `n` threads (facility is the largest stream). */
export function typeGroups(n: number): EventType[][] {
  if (n >= 3) return [['facility'], ['inference'], ['access']];
  if (n === 2) return [['facility'], ['inference', 'access']];
  return [[...ALL_TYPES]];
}

/** The event type of a one-event line, when it names exactly one; else undefined (send to all). */
function sniffType(line: string): EventType | undefined {
  const at = line.indexOf('"type"');
  if (at < 0 || line.charCodeAt(0) !== 123 || line.indexOf('"type"', at + 6) >= 0) return undefined;
  const rest = line.slice(at + 6, at + 30);
  const m = /^\s*:\s*"(inference|access|facility)"/.exec(rest);
  return (m?.[1] as EventType | undefined) ?? undefined;
}

export const sniffTypeForTest = sniffType;

function inlineRunner(file: string | undefined): Runner {
  const shard = configShard(file, ALL_TYPES, true);
  return {
    send: async (lines) => shard.addLines(lines),
    finish: async () => shard.finish(),
  };
}

function workerRunner(input: WorkerInput): Runner {
  const worker = startModuleWorker(import.meta.url, 'worker', input);
  let inFlight = 0;
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  let done: ((r: ShardResult) => void) | undefined;
  const fail = (message: string): void => {
    failure = vigilError('VGL_ERR_BACKTEST_WORKER', [message]);
    wake?.();
  };
  const finished = new Promise<ShardResult>((resolve, reject) => {
    done = resolve;
    worker.on('error', (err) => reject(err));
    worker.on('exit', (code) => code !== 0 && reject(new Error(`backtest worker exited with ${code}`)));
  });
  worker.on('message', (m: { kind: string; result?: ShardResult; message?: string }) => {
    if (m.kind === 'ack') {
      inFlight--;
      wake?.();
    } else if (m.kind === 'done') done?.(m.result!);
    else if (m.kind === 'error') fail(m.message ?? 'unknown error');
  });
  worker.on('error', (err) => fail(err.message));
  const post = (message: ToWorker): void => worker.postMessage(message);
  return {
    async send(lines) {
      while (inFlight >= MAX_IN_FLIGHT && failure === undefined) await new Promise<void>((r) => (wake = r));
      if (failure !== undefined) throw failure;
      inFlight++;
      post({ kind: 'lines', lines });
    },
    async finish() {
      if (failure !== undefined) throw failure;
      post({ kind: 'end' });
      const result = await finished;
      await worker.terminate();
      return result;
    },
  };
}

function merge(results: readonly ShardResult[]): ShardResult {
  const out: ShardResult = {
    events: 0,
    invalid: 0,
    late: 0,
    detectorFailures: 0,
    minTs: 0,
    maxTs: 0,
    alerts: [],
    ruleCounts: {},
  };
  for (const r of results) {
    out.events += r.events;
    out.invalid += r.invalid;
    out.late += r.late;
    out.detectorFailures += r.detectorFailures;
    if (r.minTs !== 0 && (out.minTs === 0 || r.minTs < out.minTs)) out.minTs = r.minTs;
    out.maxTs = Math.max(out.maxTs, r.maxTs);
    out.alerts.push(...r.alerts);
    for (const [id, n] of Object.entries(r.ruleCounts)) out.ruleCounts[id] = (out.ruleCounts[id] ?? 0) + n;
  }
  return out;
}

/** One merged result per config, in the order of `options.configs`. */
export async function runConfigs(input: LineInput, options: RunOptions): Promise<ShardResult[]> {
  const { configs, workers } = options;
  const perConfig = workers <= 0 ? 1 : Math.max(1, Math.min(3, Math.floor(workers / configs.length)));
  const groups = typeGroups(perConfig);
  const shardOf = new Map<EventType, number>(groups.flatMap((g, i) => g.map((t) => [t, i] as const)));
  const runners: Runner[][] = configs.map((file) =>
    workers <= 0
      ? [inlineRunner(file)]
      : groups.map((types, i) => workerRunner({ file, types, countsInvalid: i === 0 })),
  );
  for await (const chunk of input.chunks) {
    let buckets: string[][] = [chunk];
    if (groups.length > 1) {
      buckets = groups.map(() => []);
      for (const line of chunk) {
        const type = sniffType(line);
        if (type === undefined) for (const b of buckets) b.push(line);
        else buckets[shardOf.get(type)!]!.push(line);
      }
    }
    await Promise.all(
      runners.flatMap((rs) => rs.map((r, i) => (buckets[i]!.length > 0 ? r.send(buckets[i]!) : undefined))),
    );
    options.onProgress?.(input.fraction());
  }
  const results = await Promise.all(
    runners.map(async (rs) => merge(await Promise.all(rs.map((r) => r.finish())))),
  );
  return results;
}
