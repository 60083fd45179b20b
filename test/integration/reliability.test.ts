/**
 * Effectively-once state through process crashes, on the real broker: a recorded
 * multi-day world streamed through every monitor, (a) the only instance SIGKILLed halfway
 * and restarted, (b) one of two instances of a group SIGKILLed mid-stream. In both, the
 * final alerts equal those of an uninterrupted replay of the same events — same ids, same
 * event_count, none lost, none split into a new id — and ClickHouse holds one row per
 * alert.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Alert, VigilEvent } from '../../shared/events/types.ts';
import { simulate } from '../../shared/simulate/simulate.ts';
import { eventually } from '../harness/vigil.ts';
import { queryEmbedded, spawnVigil, type VigilProcess } from '../harness/vigil-process.ts';
import {
  committedSum,
  endSum,
  finalAlerts,
  kafkaClient,
  produceWorld,
  rekeyedCaughtUp,
  referenceAlerts,
  testTopics,
  comparableAlert,
  writeConfig,
  type TestTopics,
} from '../harness/world-stream.ts';

const brokers = inject('kafkaBrokers');
const MONITORS = ['inference-monitor', 'access-monitor', 'facility-monitor'] as const;
const admin = kafkaClient(brokers).admin();
let events: VigilEvent[];

beforeAll(async () => {
  await admin.connect();
  events = [...simulate({ seed: 23, days: 3, size: 'small', scenarios: 'all' }).events];
});
afterAll(async () => {
  await admin.disconnect();
});

/** Committed input offsets of every monitor group, summed. */
async function processed(topics: TestTopics): Promise<number> {
  let n = 0;
  for (const m of MONITORS) n += await committedSum(admin, `vigil-${m}`, topics[inputOf(m)]);
  return n;
}

function inputOf(monitor: (typeof MONITORS)[number]): 'inference' | 'access' | 'facility' {
  return monitor.slice(0, monitor.indexOf('-')) as 'inference' | 'access' | 'facility';
}

async function killWhen(proc: VigilProcess, reached: () => Promise<boolean>): Promise<void> {
  await eventually(async () => (await reached()) || proc.child.exitCode !== null, 120_000);
  expect(proc.child.exitCode).toBeNull();
  proc.child.kill('SIGKILL');
  await proc.exited;
}

function expectSameAlerts(
  live: Map<string, Alert>,
  reference: Map<string, Omit<Alert, 'detected_at'>>,
): void {
  expect(reference.size).toBeGreaterThan(0);
  const missing = [...reference.keys()].filter((id) => !live.has(id));
  const extra = [...live.keys()].filter((id) => !reference.has(id));
  expect({ missing, extra }).toEqual({ missing: [], extra: [] });
  for (const [id, alert] of live)
    expect(comparableAlert(alert), id).toEqual(comparableAlert(reference.get(id)!));
}

describe('effectively-once detector state through crashes (real broker)', () => {
  it('(a) the only instance SIGKILLed halfway and restarted gives the uninterrupted alerts, once each in ClickHouse', async () => {
    const topics = testTopics(randomUUID().slice(0, 8));
    const { dir, file } = writeConfig(topics);
    const reference = referenceAlerts(events, file, { incidents: true });
    const env = { KAFKA_BROKERS: brokers, VIGIL_CONFIG: file, VIGIL_DATA_DIR: dir, VIGIL_LOG_LEVEL: 'info' };

    const first = spawnVigil(['run', 'all'], env);
    await first.waitFor(/api listening/);
    await produceWorld(brokers, topics, events);
    await killWhen(first, async () => (await processed(topics)) >= events.length / 2);
    const atKill = await processed(topics);
    expect(atKill).toBeLessThan(events.length);

    const second = spawnVigil(['run', 'all'], env);
    await eventually(
      async () => (await processed(topics)) === events.length && (await rekeyedCaughtUp(admin, topics)),
      180_000,
    );
    await eventually(
      async () =>
        (await committedSum(admin, 'vigil-alert-sink-clickhouse', topics.alerts)) ===
        (await endSum(admin, topics.alerts)),
      60_000,
    );
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const { alerts } = await finalAlerts(brokers, topics.alerts);
    expectSameAlerts(alerts, reference);

    const rows = await queryEmbedded<{ alert_id: string; event_count: number; n: string }>(
      dir,
      'SELECT alert_id, max(event_count) AS event_count, count() AS n FROM vigil.alerts FINAL GROUP BY alert_id',
    );
    expect(rows).toHaveLength(reference.size);
    for (const r of rows) {
      expect(Number(r.n), r.alert_id).toBe(1);
      // The final revision on the topic (equal to the reference's but for re-keyed streams).
      expect(Number(r.event_count), r.alert_id).toBe(alerts.get(r.alert_id)?.event_count);
    }
  }, 400_000);

  it('(b) one of two instances SIGKILLed mid-stream: the survivor takes over with the same alerts', async () => {
    const topics = testTopics(randomUUID().slice(0, 8));
    const { dir, file } = writeConfig(topics);
    const reference = referenceAlerts(events, file, { incidents: true });
    const env = { KAFKA_BROKERS: brokers, VIGIL_CONFIG: file, VIGIL_DATA_DIR: dir, VIGIL_LOG_LEVEL: 'info' };
    const services = MONITORS.join(',');

    const a = spawnVigil(['run', services], env);
    const b = spawnVigil(['run', services], env);
    await a.waitFor(/monitor started/);
    await b.waitFor(/monitor started/);
    await produceWorld(brokers, topics, events);
    await killWhen(a, async () => (await processed(topics)) >= events.length / 3);
    expect(await processed(topics)).toBeLessThan(events.length);

    await eventually(
      async () => (await processed(topics)) === events.length && (await rekeyedCaughtUp(admin, topics)),
      180_000,
    );
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);

    const { alerts } = await finalAlerts(brokers, topics.alerts);
    expectSameAlerts(alerts, reference);
  }, 400_000);
});
