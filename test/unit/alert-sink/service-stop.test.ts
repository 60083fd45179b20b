/**
 * Stopping the alert sink while an output waits for a receiver that is down: the batch in
 * flight gets the grace period, then its output is interrupted, stop() returns, and the
 * batch is not committed (a new consumer of the group gets it again).
 */
import { describe, expect, it } from 'vitest';
import { createMemoryBus } from '../../../shared/bus/memory.ts';
import type { SourceBatch } from '../../../shared/pipeline/ports.ts';
import { alertSinkService, type SinkOutput } from '../../../shared/runtime/alert-sink-service.ts';
import type { ServiceContext } from '../../../shared/runtime/context.ts';

const log = { child: () => log, info() {}, warn() {}, error() {}, debug() {} };

function blockedOutput(): SinkOutput & { batches: SourceBatch[]; interrupted: boolean } {
  const abort = new AbortController();
  const output = {
    name: 'down',
    batches: [] as SourceBatch[],
    interrupted: false,
    handle: (batch: SourceBatch) => {
      output.batches.push(batch);
      return new Promise<void>((_, reject) =>
        abort.signal.addEventListener('abort', () => reject(abort.signal.reason)),
      );
    },
    interrupt: () => {
      output.interrupted = true;
      abort.abort(new Error('interrupted'));
    },
    close: async () => {},
  };
  return output;
}

describe('alert sink stop', () => {
  it('interrupts an output stuck on a receiver after the grace period, leaving its batch uncommitted', async () => {
    const bus = createMemoryBus({ partitions: 1, retryBackoffMs: { initial: 10, max: 10 } });
    const config = { pipeline: { store_events: false } };
    const ctx = { bus, config, topics: { alerts: 'vigil.alerts' }, log } as unknown as ServiceContext;
    const publisher = await bus.publisher();
    await publisher.publish('vigil.alerts', [
      { key: 'a', value: JSON.stringify({ alert_id: 'a', event_count: 1 }) },
    ]);

    const first = blockedOutput();
    const sink = await alertSinkService({
      outputs: async () => ({ outputs: [first] }),
      drainGraceMs: 200,
    }).start(ctx);
    while (first.batches.length === 0) await new Promise((r) => setTimeout(r, 10));
    const started = Date.now();
    await sink.stop();
    expect(first.interrupted).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);

    const second = blockedOutput();
    const again = await alertSinkService({
      outputs: async () => ({ outputs: [second] }),
      drainGraceMs: 50,
    }).start(ctx);
    while (second.batches.length === 0) await new Promise((r) => setTimeout(r, 10));
    expect(second.batches[0]!.messages[0]!.offset).toBe(first.batches[0]!.messages[0]!.offset);
    await again.stop();
    await bus.close();
  });
});
