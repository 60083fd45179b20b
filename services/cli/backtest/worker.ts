/**
 * A backtest worker thread: one config over some event types. The parent sends chunks of
 * NDJSON lines; each is acknowledged once processed (the parent bounds chunks in flight),
 * and `end` returns the shard's result.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../../../shared/errors.ts';
import type { EventType } from '../../../shared/events/types.ts';
import { configShard } from './config-shard.ts';

export interface WorkerInput {
  file: string | undefined;
  types: EventType[];
  countsInvalid: boolean;
}

export type ToWorker = { kind: 'lines'; lines: string[] } | { kind: 'end' };

const port = parentPort!;
try {
  const input = workerData as WorkerInput;
  const shard = configShard(input.file, input.types, input.countsInvalid);
  port.on('message', (message: ToWorker) => {
    try {
      if (message.kind === 'lines') {
        shard.addLines(message.lines);
        port.postMessage({ kind: 'ack' });
      } else port.postMessage({ kind: 'done', result: shard.finish() });
    } catch (err) {
      port.postMessage({ kind: 'error', message: errorMessage(err) });
    }
  });
  port.postMessage({ kind: 'ready' });
} catch (err) {
  port.postMessage({ kind: 'error', message: errorMessage(err) });
}
