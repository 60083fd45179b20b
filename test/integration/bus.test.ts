/**
 * shared/bus against the real broker the harness started (test/harness/global-setup.ts).
 * Every test uses its own topics and consumer groups.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { createKafkaBus, type KafkaBus } from '../../shared/bus/kafka-bus.ts';
import { deadLetterMessage } from '../../shared/pipeline/dead-letter.ts';
import { VigilError } from '../../shared/errors.ts';
import type { SourceBatch, TopicPartition } from '../../shared/pipeline/ports.ts';
import { consumeMessages, createTestTopics, uniqueName } from '../harness/topics.ts';

const brokers = inject('kafkaBrokers');
const admin = new Kafka({ clientId: 'bus-test', brokers: [brokers], logLevel: logLevel.NOTHING }).admin();
const buses: KafkaBus[] = [];

function bus(
  extra: Parameters<typeof createKafkaBus>[0] extends infer O ? Partial<O> : never = {},
): KafkaBus {
  const b = createKafkaBus({ brokers: [brokers], clientId: 'bus-test', ...extra });
  buses.push(b);
  return b;
}

afterEach(async () => {
  await Promise.all(buses.splice(0).map((b) => b.close()));
});

/** Resolves once `check` holds; polls because the consumer runs in the background. */
async function until(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const keyed = (n: number, keys: number) =>
  Array.from({ length: n }, (_, i) => ({
    key: `k${i % keys}`,
    value: JSON.stringify({ i, k: `k${i % keys}` }),
  }));

interface Seen {
  key: string;
  i: number;
  partition: number;
  offset: bigint;
}
const seenOf = (batch: SourceBatch): Seen[] =>
  batch.messages.map((m) => ({
    key: m.key?.toString() ?? '',
    i: (JSON.parse(m.value?.toString() ?? '{}') as { i: number }).i,
    partition: batch.partition,
    offset: BigInt(m.offset),
  }));

async function committed(groupId: string, topic: string): Promise<Map<number, bigint>> {
  await admin.connect();
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map((entry?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
}

describe('Kafka bus', () => {
  it('ensureTopics creates the §2 topics idempotently and state topics compacted', async () => {
    const names = {
      inference: uniqueName('inference'),
      access: uniqueName('access'),
      facility: uniqueName('facility'),
      alerts: uniqueName('alerts'),
      dlq: uniqueName('dlq'),
      statePrefix: `${uniqueName('state')}.`,
    };
    const b = bus({ topics: names, partitions: 4 });
    const extra = `${names.statePrefix}inference-monitor`;
    // Two concurrent callers, as when several instances start at once.
    await Promise.all([b.ensureTopics([extra]), bus({ topics: names, partitions: 4 }).ensureTopics([extra])]);
    await b.ensureTopics([extra]);

    await admin.connect();
    const meta = await admin.fetchTopicMetadata({
      topics: [names.inference, names.access, names.facility, names.alerts, names.dlq, extra],
    });
    expect(meta.topics.map((t) => t.partitions.length)).toEqual([4, 4, 4, 4, 4, 4]);
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [names.alerts, extra].map((name) => ({
        type: ConfigResourceTypes.TOPIC,
        name,
        configNames: ['cleanup.policy'],
      })),
    });
    const policy = (name: string) =>
      configs.resources.find((r) => r.resourceName === name)?.configEntries[0]?.configValue;
    expect(policy(names.alerts)).toBe('delete');
    expect(policy(extra)).toBe('compact');
  });

  it('round-trips keyed messages: every message once, one partition per key, in order', async () => {
    const [topic] = await createTestTopics(brokers, ['roundtrip']);
    const b = bus();
    await (await b.publisher()).publish(topic!, keyed(5000, 10));

    const seen: Seen[] = [];
    const events: string[] = [];
    const assigned: TopicPartition[] = [];
    const source = b.source({ groupId: uniqueName('group'), topics: [topic!] });
    await source.start(
      async (batch) => {
        events.push(`batch:${batch.partition}`);
        expect(BigInt(batch.highWatermark)).toBeGreaterThan(BigInt(batch.messages.at(-1)!.offset));
        seen.push(...seenOf(batch));
      },
      {
        onAssigned: async (tps) => {
          events.push('assigned');
          assigned.push(...tps);
        },
        onRevoked: async (tps) => void events.push(`revoked:${tps.length}`),
      },
    );
    await until(() => seen.length >= 5000, '5000 messages');
    await source.stop();

    expect(events[0]).toBe('assigned');
    expect(events.at(-1)).toBe('revoked:3');
    expect(assigned.map((tp) => tp.partition).sort()).toEqual([0, 1, 2]);
    expect(seen).toHaveLength(5000);
    expect(new Set(seen.map((s) => s.i)).size).toBe(5000);
    for (let k = 0; k < 10; k++) {
      const ofKey = seen.filter((s) => s.key === `k${k}`);
      expect(new Set(ofKey.map((s) => s.partition)).size).toBe(1);
      expect(ofKey.map((s) => s.i)).toEqual([...ofKey.map((s) => s.i)].sort((a, c) => a - c));
    }
  });

  it('redelivers a batch whose handler threw, and skips nothing', async () => {
    const [topic] = await createTestTopics(brokers, ['retry'], { partitions: 1 });
    const b = bus();
    await (await b.publisher()).publish(topic!, keyed(200, 4));

    let calls = 0;
    let failedOffsets: bigint[] = [];
    const done: Seen[] = [];
    const source = b.source({ groupId: uniqueName('group'), topics: [topic!] });
    await source.start(async (batch) => {
      calls++;
      if (calls === 1) {
        failedOffsets = seenOf(batch).map((s) => s.offset);
        throw new Error('sink unavailable');
      }
      done.push(...seenOf(batch));
    });
    await until(() => done.length >= 200, '200 messages after a failure');
    await source.stop();

    expect(failedOffsets.length).toBeGreaterThan(0);
    const offsets = done.map((s) => s.offset);
    for (const o of failedOffsets) expect(offsets).toContain(o);
    expect(new Set(done.map((s) => s.i)).size).toBe(200);
  });

  it('resumes a stopped group after its last committed offset with no loss', async () => {
    const [topic] = await createTestTopics(brokers, ['resume']);
    const groupId = uniqueName('group');
    // Small fetches make many batches, so the stop lands mid-stream.
    const b = bus({ consumer: { maxBytesPerPartition: 2048 } });
    await (await b.publisher()).publish(topic!, keyed(3000, 12));

    const first: Seen[] = [];
    const one = b.source({ groupId, topics: [topic!] });
    let stopping: Promise<void> | undefined;
    await one.start(async (batch) => {
      first.push(...seenOf(batch));
      // Not awaited: stop() waits for this very batch to finish.
      if (first.length >= 500) stopping ??= one.stop();
    });
    await until(() => stopping !== undefined, 'the first 500 messages');
    await stopping;
    expect(first.length).toBeLessThan(3000);

    const offsets = await committed(groupId, topic!);
    for (const [partition, offset] of offsets) {
      const handled = first.filter((s) => s.partition === partition);
      const next = handled.length === 0 ? 0n : handled.at(-1)!.offset + 1n;
      expect(offset === -1n ? 0n : offset).toBe(next);
    }

    const second: Seen[] = [];
    const two = b.source({ groupId, topics: [topic!] });
    await two.start(async (batch) => void second.push(...seenOf(batch)));
    await until(() => first.length + second.length >= 3000, 'the remaining messages');
    await two.stop();

    expect(new Set([...first, ...second].map((s) => s.i)).size).toBe(3000);
    expect(first.length + second.length).toBe(3000);
  });

  it('rebalances between two members: revoked partitions are handed over, nothing is lost', async () => {
    const [topic] = await createTestTopics(brokers, ['rebalance']);
    const groupId = uniqueName('group');
    const b = bus({ consumer: { maxBytesPerPartition: 2048 } });
    const publisher = await b.publisher();
    await publisher.publish(topic!, keyed(1500, 12));

    const handled = new Set<number>();
    const log: { member: string; event: string; partitions: number[] }[] = [];
    const member = (name: string) => ({
      handler: async (batch: SourceBatch) => {
        for (const s of seenOf(batch)) handled.add(s.i);
      },
      listener: {
        onAssigned: async (tps: TopicPartition[]) =>
          void log.push({ member: name, event: 'assigned', partitions: tps.map((t) => t.partition) }),
        onRevoked: async (tps: TopicPartition[]) =>
          void log.push({ member: name, event: 'revoked', partitions: tps.map((t) => t.partition) }),
      },
    });
    const one = b.source({ groupId, topics: [topic!] });
    const a = member('one');
    await one.start(a.handler, a.listener);
    await until(() => handled.size > 0, 'the first batches');

    const two = b.source({ groupId, topics: [topic!] });
    const c = member('two');
    await two.start(c.handler, c.listener);
    await publisher.publish(topic!, keyed(3000, 12).slice(1500));
    await until(() => handled.size === 3000, 'all 3000 messages across both members');
    await two.stop();
    await one.stop();

    const assignedTo = (name: string) =>
      new Set(log.filter((l) => l.member === name && l.event === 'assigned').flatMap((l) => l.partitions));
    // Member one started with all three partitions and gave some to member two.
    expect(log[0]).toEqual({ member: 'one', event: 'assigned', partitions: [0, 1, 2] });
    const revokedFromOne =
      log.filter((l) => l.member === 'one' && l.event === 'revoked')[0]?.partitions ?? [];
    expect(revokedFromOne.length).toBeGreaterThan(0);
    for (const p of revokedFromOne) expect(assignedTo('two').has(p)).toBe(true);
  });

  it('state store: save, overwrite and tombstone, then loadAll from a fresh client', async () => {
    const statePrefix = `${uniqueName('state')}.`;
    const store = bus({ topics: { statePrefix } }).stateStore('access-monitor');
    expect(await store.loadAll()).toEqual(new Map());
    await store.save([
      { key: 'p1', value: { version: 1, n: 1 } },
      { key: 'p2', value: { version: 1, n: 2 } },
      { key: 'p3', value: { version: 1, n: 3 } },
    ]);
    await store.save([
      { key: 'p2', value: null },
      { key: 'p1', value: { version: 1, n: 10 } },
    ]);

    const loaded = await bus({ topics: { statePrefix } }).stateStore('access-monitor').loadAll();
    expect(loaded).toEqual(
      new Map<string, unknown>([
        ['p1', { version: 1, n: 10 }],
        ['p3', { version: 1, n: 3 }],
      ]),
    );
    await admin.connect();
    const groups = await admin.listGroups();
    expect(groups.groups.filter((g) => g.groupId.startsWith('vigil-state-loader-'))).toEqual([]);
  });

  it('dead letters keep the original bytes, key, source and reason', async () => {
    const [dlq] = await createTestTopics(brokers, ['dlq'], { partitions: 1 });
    const raw = Buffer.from('{"type":"facility","metrics":{"load_pct":"high"}}');
    const failedAt = new Date('2026-01-02T03:04:05.000Z');
    const letter = deadLetterMessage(
      raw,
      Buffer.from('dc1/zoneA'),
      { topic: 'vigil.facility', partition: 4, offset: '1234' },
      'facility.metrics.load_pct: expected number, got "high"',
      failedAt.getTime(),
    );
    await (await bus().publisher()).publish(dlq!, [letter]);

    const [got] = await consumeMessages(brokers, dlq!, 1);
    expect(got?.key).toBe('dc1/zoneA');
    const value = JSON.parse(got!.value!) as Record<string, unknown>;
    expect(value).toEqual({
      reason: 'facility.metrics.load_pct: expected number, got "high"',
      source: { topic: 'vigil.facility', partition: 4, offset: '1234' },
      original_base64: raw.toString('base64'),
      failed_at: '2026-01-02T03:04:05.000Z',
    });
    expect(Buffer.from(value['original_base64'] as string, 'base64').equals(raw)).toBe(true);
  });

  it('maps a broker rejection to a non-retriable VigilError', async () => {
    const [topic] = await createTestTopics(brokers, ['too-large'], { partitions: 1 });
    const publisher = await bus().publisher();
    const huge = { key: 'k', value: Buffer.alloc(2 * 1024 * 1024, 1) };
    const err = await publisher.publish(topic!, [huge]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VigilError);
    expect((err as VigilError).code).toBe('VGL_ERR_BUS_PRODUCE_REJECTED');
    expect((err as VigilError).retriable).toBe(false);
  });
});
