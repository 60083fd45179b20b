/**
 * Faults on the real broker, with the monitors as separate processes: a write that fails
 * inside a batch's transaction (the changelog refuses the records), a broker crash and
 * restart mid-stream, and SIGTERM while the broker is down. After recovery the alerts and
 * the detector state equal those of an uninterrupted replay; shutdown stays bounded.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { boot } from '../../services/cli/boot.ts';
import type { Alert, VigilEvent } from '../../shared/events/types.ts';
import { PartitionedRun } from '../../shared/pipeline/partitioned-run.ts';
import { processorOptions } from '../../shared/runtime/processor-options.ts';
import { simulate } from '../../shared/simulate/simulate.ts';
import { startLocalKafka, type LocalKafka } from '../harness/kafka-local.ts';
import { readTopic } from '../harness/topics.ts';
import { eventually } from '../harness/vigil.ts';
import { spawnVigil } from '../harness/vigil-process.ts';
import {
  committedSum,
  finalAlerts,
  kafkaClient,
  produceWorld,
  rekeyedCaughtUp,
  referenceAlerts,
  testTopics,
  comparableAlert,
  writeConfig,
} from '../harness/world-stream.ts';

const shared = inject('kafkaBrokers');
let facility: VigilEvent[];

beforeAll(() => {
  facility = [...simulate({ seed: 31, days: 2, size: 'small', scenarios: 'all' }).events].filter(
    (e) => e.type === 'facility',
  );
});

function expectSameAlerts(
  live: Map<string, Alert>,
  reference: Map<string, Omit<Alert, 'detected_at'>>,
): void {
  expect([...live.keys()].sort()).toEqual([...reference.keys()].sort());
  for (const [id, alert] of live)
    expect(comparableAlert(alert), id).toEqual(comparableAlert(reference.get(id)!));
}

/** The reference run's state records of facility.metric's devices and the partition meta, by partition. */
function referenceState(events: readonly VigilEvent[], file: string): Map<number, Map<string, string>> {
  const { config, detectors, environment, rules } = boot(file);
  const run = new PartitionedRun(detectors, {
    partitions: config.topics.partitions,
    ...processorOptions(config.pipeline),
    environment,
    rules,
  });
  for (const e of events) run.add(e);
  run.flush(0, new Map());
  const out = new Map<number, Map<string, string>>();
  for (const [slot, processor] of run.entries()) {
    if (!slot.startsWith('facility:')) continue;
    const records = new Map<string, string>();
    for (const r of processor.exportState())
      if (comparable(r.key) && r.value !== null) records.set(r.key, r.value);
    out.set(Number(slot.slice(slot.indexOf(':') + 1)), records);
  }
  return out;
}

/** Detector stores and the partition meta (episodes expire on sweeps, whose timing is the batches'). */
const comparable = (key: string): boolean =>
  key.startsWith('facility.metric/devices|') || key.startsWith('_pipeline/meta|');

async function changelogState(brokers: string, topic: string): Promise<Map<number, Map<string, string>>> {
  const out = new Map<number, Map<string, string>>();
  for (const r of await readTopic(brokers, topic)) {
    if (r.key === null || !comparable(r.key)) continue;
    let p = out.get(r.partition);
    if (p === undefined) out.set(r.partition, (p = new Map()));
    if (r.value === null) p.delete(r.key);
    else p.set(r.key, r.value);
  }
  return out;
}

describe('faults on the real broker', () => {
  it('a write that fails inside a batch changes nothing: state and alerts equal a run without it', async () => {
    const admin = kafkaClient(shared).admin();
    await admin.connect();
    try {
      const topics = testTopics(randomUUID().slice(0, 8));
      const { dir, file } = writeConfig(topics);
      const changelog = `${topics.state_prefix}facility-monitor`;
      const env = { KAFKA_BROKERS: shared, VIGIL_CONFIG: file, VIGIL_DATA_DIR: dir, VIGIL_LOG_LEVEL: 'info' };
      const proc = spawnVigil(['run', 'facility-monitor'], env);
      await proc.waitFor(/monitor started/);
      const third = Math.floor(facility.length / 3);
      const done = () => committedSum(admin, 'vigil-facility-monitor', topics.facility);

      await produceWorld(shared, topics, facility.slice(0, third));
      await eventually(async () => (await done()) === third, 120_000);
      // The changelog now refuses the detectors' state records (≈ 4 KB a metric; transaction
      // markers still fit): each batch's transaction fails and is aborted.
      const limit = (value: string | null) =>
        admin.alterConfigs({
          validateOnly: false,
          resources: [
            {
              type: 2,
              name: changelog,
              configEntries: [{ name: 'max.message.bytes', value: value ?? '1048588' }],
            },
          ],
        });
      await limit('1000');
      await produceWorld(shared, topics, facility.slice(third, 2 * third));
      await proc.waitFor(/VGL_ERR_BUS_PRODUCE/, 60_000);
      await new Promise((r) => setTimeout(r, 3000));
      expect(await done()).toBe(third);
      await limit(null);
      await produceWorld(shared, topics, facility.slice(2 * third));
      const drained = async () =>
        (await done()) === facility.length && (await rekeyedCaughtUp(admin, topics));
      await eventually(drained, 180_000).catch(async (err: unknown) => {
        throw new Error(`${String(err)}; committed ${await done()}\n${proc.output().slice(-6000)}`);
      });
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);

      const live = await changelogState(shared, changelog);
      const reference = referenceState(facility, file);
      expect([...live.keys()].sort()).toEqual([...reference.keys()].sort());
      for (const [p, records] of reference) {
        // Not a vacuous comparison: every partition holds facility.metric devices.
        const devices = [...records.keys()].filter((k) => k.startsWith('facility.metric/devices|'));
        expect(devices.length, `partition ${p}`).toBeGreaterThan(0);
        expect(Object.fromEntries(live.get(p)!), `partition ${p}`).toEqual(Object.fromEntries(records));
      }
      const liveAlerts = (await finalAlerts(shared, topics.alerts)).alerts;
      const ref = referenceAlerts(facility, file);
      expectSameAlerts(liveAlerts, ref);
    } finally {
      await admin.disconnect();
    }
  }, 400_000);

  describe('with a broker of its own', () => {
    let broker: LocalKafka;
    beforeAll(async () => {
      broker = await startLocalKafka();
    }, 180_000);
    afterAll(async () => {
      await broker.stop();
    });

    it('a broker crash and restart mid-stream loses and doubles nothing', async () => {
      const brokers = broker.brokers;
      const topics = testTopics(randomUUID().slice(0, 8));
      const { dir, file } = writeConfig(topics);
      const env = {
        KAFKA_BROKERS: brokers,
        VIGIL_CONFIG: file,
        VIGIL_DATA_DIR: dir,
        VIGIL_LOG_LEVEL: 'info',
      };
      const proc = spawnVigil(['run', 'facility-monitor'], env);
      await proc.waitFor(/monitor started/);
      const half = Math.floor(facility.length / 2);
      await produceWorld(brokers, topics, facility.slice(0, half));
      await new Promise((r) => setTimeout(r, 1500));
      await broker.kill();
      await new Promise((r) => setTimeout(r, 5000));
      broker = await startLocalKafka(broker.again);
      await produceWorld(brokers, topics, facility.slice(half));
      const admin = kafkaClient(brokers).admin();
      await admin.connect();
      try {
        await eventually(
          async () =>
            (await committedSum(admin, 'vigil-facility-monitor', topics.facility)) === facility.length &&
            (await rekeyedCaughtUp(admin, topics)),
          240_000,
        );
      } finally {
        await admin.disconnect();
      }
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
      expectSameAlerts((await finalAlerts(brokers, topics.alerts)).alerts, referenceAlerts(facility, file));
    }, 400_000);

    it('SIGTERM with the broker down exits within the shutdown timeout, non-zero', async () => {
      const topics = testTopics(randomUUID().slice(0, 8));
      const { dir, file } = writeConfig(topics, { pipeline: { shutdown_timeout_seconds: 5 } });
      const env = {
        KAFKA_BROKERS: broker.brokers,
        VIGIL_CONFIG: file,
        VIGIL_DATA_DIR: dir,
        VIGIL_LOG_LEVEL: 'info',
      };
      const proc = spawnVigil(['run', 'facility-monitor'], env);
      await proc.waitFor(/monitor started/);
      await produceWorld(broker.brokers, topics, facility.slice(0, 20_000));
      await broker.kill();
      const started = Date.now();
      proc.child.kill('SIGTERM');
      const code = await proc.exited;
      const seconds = (Date.now() - started) / 1000;
      expect(seconds).toBeLessThan(5 + 5);
      expect(code).toBe(1);
      expect(proc.output()).toMatch(/VGL_ERR_SHUTDOWN_TIMEOUT/);
      broker = await startLocalKafka(broker.again);
    }, 200_000);
  });
});
