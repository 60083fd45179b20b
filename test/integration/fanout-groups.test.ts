/**
 * Fan-out readers (detector-config follower, the API's alert stream, the alert console)
 * use a consumer group of their own per process, and leave none behind when they stop.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, inject, it } from 'vitest';
import { fanoutSource } from '../../shared/runtime/fanout-source.ts';
import { startTestVigil } from '../harness/vigil.ts';

describe('fan-out consumer groups', () => {
  it('are per process and deleted on stop', async () => {
    const brokers = inject('kafkaBrokers');
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-fanout-'));
    const vigil = await startTestVigil({
      brokers,
      clickhouse: { dataDir, stop: async () => rmSync(dataDir, { recursive: true, force: true }) },
    });
    const admin = new Kafka({
      clientId: 'fanout-test',
      brokers: [brokers],
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    const ours = async (): Promise<string[]> =>
      (await admin.listGroups()).groups
        .map((g) => g.groupId)
        .filter((g) => g.startsWith('vigil-test-fanout-'));
    try {
      const a = fanoutSource(vigil.ctx, { purpose: 'test-fanout', topics: [vigil.ctx.topics.alerts] });
      const b = fanoutSource(vigil.ctx, { purpose: 'test-fanout', topics: [vigil.ctx.topics.alerts] });
      await a.start(async () => undefined);
      await b.start(async () => undefined);
      expect((await ours()).length).toBe(2);
      await a.stop();
      await b.stop();
      expect(await ours()).toEqual([]);
    } finally {
      await admin.disconnect();
      await vigil.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
