import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMemoryBus, type MemoryBusOptions } from '../../../shared/bus/memory.ts';
import { partitionForKey } from '../../../shared/events/partitioner.ts';
import { VigilError } from '../../../shared/errors.ts';
import type { Bus, SourceBatch, TopicPartition } from '../../../shared/pipeline/ports.ts';

const fast: MemoryBusOptions = { partitions: 3, maxBatchSize: 10, retryBackoffMs: { initial: 1, max: 4 } };

interface Seen {
  partition: number;
  offset: number;
  key: string | null;
  i: number;
}
const seenOf = (b: SourceBatch): Seen[] =>
  b.messages.map((m) => ({
    partition: b.partition,
    offset: Number(m.offset),
    key: m.key?.toString() ?? null,
    i: (JSON.parse(m.value!.toString()) as { i: number }).i,
  }));

async function publish(bus: Bus, topic: string, from: number, to: number, keys = 5): Promise<void> {
  const messages = [];
  for (let i = from; i < to; i++) messages.push({ key: `k${i % keys}`, value: JSON.stringify({ i }) });
  await (await bus.publisher()).publish(topic, messages);
}

/** A promise and its resolver, to hold a handler mid-batch. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Resolves when `seen` holds `n` items; the bus runs on the event loop, so this just yields. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setImmediate(r));
}

describe('memory bus', () => {
  it('routes keys with Kafka partitioning and keeps per-partition order', async () => {
    const bus = createMemoryBus(fast);
    await publish(bus, 't', 0, 100);
    const seen: Seen[] = [];
    const source = bus.source({ groupId: 'g', topics: ['t'] });
    await source.start(async (b) => void seen.push(...seenOf(b)));
    await until(() => seen.length === 100);
    await bus.close();

    for (const s of seen) expect(s.partition).toBe(partitionForKey(s.key!, 3));
    for (let p = 0; p < 3; p++) {
      const inPartition = seen.filter((s) => s.partition === p);
      expect(inPartition.map((s) => s.offset)).toEqual(inPartition.map((_, i) => i));
      expect(inPartition.map((s) => s.i)).toEqual([...inPartition.map((s) => s.i)].sort((a, b) => a - b));
    }
    expect(new Set(seen.map((s) => s.i)).size).toBe(100);
  });

  it('delivers batches no larger than maxBatchSize with the high watermark', async () => {
    const bus = createMemoryBus({ ...fast, partitions: 1 });
    await publish(bus, 't', 0, 25);
    const batches: SourceBatch[] = [];
    await bus.source({ groupId: 'g', topics: ['t'] }).start(async (b) => void batches.push(b));
    await until(() => batches.reduce((n, b) => n + b.messages.length, 0) === 25);
    await bus.close();
    expect(batches.map((b) => b.messages.length)).toEqual([10, 10, 5]);
    expect(batches.every((b) => b.highWatermark === '25')).toBe(true);
  });

  it('redelivers a batch whose handler threw, then moves on without skipping', async () => {
    const bus = createMemoryBus({ ...fast, partitions: 1 });
    await publish(bus, 't', 0, 30);
    const attempts: number[][] = [];
    const done: number[] = [];
    let failures = 0;
    await bus.source({ groupId: 'g', topics: ['t'] }).start(async (b) => {
      const offsets = seenOf(b).map((s) => s.offset);
      attempts.push(offsets);
      if (offsets[0] === 10 && failures < 2) {
        failures++;
        throw new Error('sink down');
      }
      done.push(...offsets);
    });
    await until(() => done.length === 30);
    await bus.close();
    expect(attempts.map((a) => a[0])).toEqual([0, 10, 10, 10, 20]);
    expect(done).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('commits only after success: a restarted member resumes at the first unfinished batch', async () => {
    const bus = createMemoryBus({ ...fast, partitions: 1 });
    await publish(bus, 't', 0, 30);
    const first: number[] = [];
    const one = bus.source({ groupId: 'g', topics: ['t'] });
    let failed = false;
    await one.start(async (b) => {
      const offsets = seenOf(b).map((s) => s.offset);
      if (offsets[0] === 10) {
        failed = true;
        throw new Error('never succeeds');
      }
      first.push(...offsets);
    });
    await until(() => failed);
    await one.stop();
    expect(first).toEqual(Array.from({ length: 10 }, (_, i) => i));

    const second: number[] = [];
    await bus
      .source({ groupId: 'g', topics: ['t'] })
      .start(async (b) => void second.push(...seenOf(b).map((s) => s.offset)));
    await until(() => second.length === 20);
    await bus.close();
    expect(second).toEqual(Array.from({ length: 20 }, (_, i) => i + 10));
  });

  it('stop() waits for the batch in flight and commits it', async () => {
    const bus = createMemoryBus({ ...fast, partitions: 1 });
    await publish(bus, 't', 0, 5);
    const gate = deferred();
    let entered = false;
    let finished = false;
    const one = bus.source({ groupId: 'g', topics: ['t'] });
    await one.start(async () => {
      entered = true;
      await gate.promise;
      finished = true;
    });
    await until(() => entered);
    let stopped = false;
    const stopping = one.stop().then(() => (stopped = true));
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    gate.resolve();
    await stopping;
    expect(finished).toBe(true);

    // Nothing left for the group: the drained batch was committed.
    await publish(bus, 't', 5, 6);
    const after: number[] = [];
    await bus
      .source({ groupId: 'g', topics: ['t'] })
      .start(async (b) => void after.push(...seenOf(b).map((s) => s.offset)));
    await until(() => after.length === 1);
    await bus.close();
    expect(after).toEqual([5]);
  });

  it('calls onAssigned before the first batch and onRevoked after the last', async () => {
    const bus = createMemoryBus(fast);
    await publish(bus, 't', 0, 20);
    const events: string[] = [];
    let assigned: TopicPartition[] = [];
    const source = bus.source({ groupId: 'g', topics: ['t'] });
    await source.start(async () => void events.push('batch'), {
      onAssigned: async (tps) => {
        await new Promise((r) => setImmediate(r));
        assigned = tps;
        events.push('assigned');
      },
      onRevoked: async (tps) => void events.push(`revoked:${tps.length}`),
    });
    await until(() => events.filter((e) => e === 'batch').length >= 3);
    await source.stop();
    expect(events[0]).toBe('assigned');
    expect(events.at(-1)).toBe('revoked:3');
    expect(assigned.map((tp) => tp.partition)).toEqual([0, 1, 2]);
    await bus.close();
  });

  it('splits partitions between members of a group and hands them over when one leaves', async () => {
    const bus = createMemoryBus(fast);
    const a: Seen[] = [];
    const b: Seen[] = [];
    const owned = { a: [] as number[], b: [] as number[] };
    const one = bus.source({ groupId: 'g', topics: ['t'] });
    const two = bus.source({ groupId: 'g', topics: ['t'] });
    await bus.ensureTopics(['t']);
    await one.start(async (batch) => void a.push(...seenOf(batch)), {
      onAssigned: async (tps) => void owned.a.push(...tps.map((tp) => tp.partition)),
    });
    await two.start(async (batch) => void b.push(...seenOf(batch)), {
      onAssigned: async (tps) => void owned.b.push(...tps.map((tp) => tp.partition)),
    });
    await publish(bus, 't', 0, 60);
    await until(() => a.length + b.length === 60);
    expect(new Set(a.map((s) => s.partition)).size + new Set(b.map((s) => s.partition)).size).toBe(3);
    expect(a.some((s) => b.some((t) => t.partition === s.partition))).toBe(false);

    await one.stop();
    await publish(bus, 't', 60, 90);
    await until(() => a.length + b.length === 90);
    expect(a.length + b.length).toBe(90);
    expect(owned.b.sort()).toEqual([0, 1, 2]);
    await bus.close();
  });

  it('fromBeginning=false skips what was published before the group first started', async () => {
    const bus = createMemoryBus(fast);
    await publish(bus, 't', 0, 10);
    const seen: number[] = [];
    await bus.source({ groupId: 'g', topics: ['t'], fromBeginning: false }).start(async (b) => {
      seen.push(...seenOf(b).map((s) => s.i));
    });
    await publish(bus, 't', 10, 15);
    await until(() => seen.length === 5);
    await bus.close();
    expect(seen.sort((x, y) => x - y)).toEqual([10, 11, 12, 13, 14]);
  });

  it('state store keeps the latest value per key, honours tombstones and returns copies', async () => {
    const bus = createMemoryBus(fast);
    const store = bus.stateStore('access-monitor');
    await store.save([
      { key: 'a', value: { n: 1 } },
      { key: 'b', value: { n: 2 } },
    ]);
    await store.save([
      { key: 'a', value: { n: 3 } },
      { key: 'b', value: null },
    ]);
    const loaded = await bus.stateStore('access-monitor').loadAll();
    expect(loaded).toEqual(new Map([['a', { n: 3 }]]));
    (loaded.get('a') as { n: number }).n = 99;
    expect(await store.loadAll()).toEqual(new Map([['a', { n: 3 }]]));
    expect(await bus.stateStore('other').loadAll()).toEqual(new Map());
  });

  it('rejects use after close with VGL_ERR_BUS_STOPPED', async () => {
    const bus = createMemoryBus(fast);
    const publisher = await bus.publisher();
    await bus.close();
    const err = await publisher.publish('t', [{ key: null, value: 'x' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VigilError);
    expect((err as VigilError).code).toBe('VGL_ERR_BUS_STOPPED');
  });
});

describe('memory bus state in files', () => {
  it('survives a new bus on the same state directory, tombstones included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-state-'));
    const first = createMemoryBus({ stateDir: dir });
    await first.stateStore('access-monitor').save([
      { key: 'vigil.access:0', value: { version: 1, n: 41 } },
      { key: 'vigil.access:1', value: { version: 1, n: 7 } },
    ]);
    await first.stateStore('access-monitor').save([{ key: 'vigil.access:1', value: null }]);
    await first.close();
    const second = createMemoryBus({ stateDir: dir });
    const restored = await second.stateStore('access-monitor').loadAll();
    expect([...restored]).toEqual([['vigil.access:0', { version: 1, n: 41 }]]);
    expect((await second.stateStore('facility-monitor').loadAll()).size).toBe(0);
    await second.close();
  });
});
