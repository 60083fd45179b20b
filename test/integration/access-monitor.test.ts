/**
 * The access-monitor's statistical detectors on the real Kafka broker: three simulated
 * days of access traffic with the four access attacks injected on the third. The
 * monitor learns from the first day and a half, is stopped (state checkpointed to its
 * changelog topic, offsets committed) and a new instance takes over for the rest, so the
 * attacks are found with baselines restored from Kafka; every alert fills the contract.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessMonitor } from '../../services/access-monitor/index.ts';
import { partitionKey } from '../../shared/events/keys.ts';
import type { AccessEvent, Alert } from '../../shared/events/types.ts';
import type { Publisher } from '../../shared/pipeline/ports.ts';
import type { RunningService } from '../../shared/runtime/service.ts';
import { simulate } from '../../shared/simulate/simulate.ts';
import { startClickHouse, type RunningClickHouse } from '../harness/clickhouse.ts';
import { readTopic } from '../harness/topics.ts';
import { eventually, startTestVigil, type TestVigil } from '../harness/vigil.ts';

let clickhouse: RunningClickHouse;
let vigil: TestVigil;
let publisher: Publisher;
const brokers = inject('kafkaBrokers');

const sim = simulate({
  seed: 9,
  days: 3,
  size: 'small',
  scenarios: [
    { name: 'exfil-service-account', start: '+2d10h' },
    { name: 'vector-bulk-export', start: '+2d14h' },
    { name: 'secret-night-read', start: '+2d1h' },
    { name: 'denied-burst', start: '+2d11h' },
    { name: 'benign-nightly-job', start: '+1d1h' },
    { name: 'benign-new-employee', start: '+1d10h' },
  ],
});
const events: AccessEvent[] = [];
for (const e of sim.events) if (e.type === 'access') events.push(e);
const split = sim.startMs + 36 * 3_600_000;
const first = events.filter((e) => e.ts < split);
const second = events.filter((e) => e.ts >= split);
const EXPECTED: Record<string, string> = {
  'exfil-service-account': 'access.volume',
  'vector-bulk-export': 'access.bulk_export',
  'secret-night-read': 'access.rare_resource',
  'denied-burst': 'access.denied_burst',
};

// Chunks of 2,000 events: the publisher sends them in concurrent lanes, one lane per
// partition, so each partition still receives its events in the recorded order (an
// interleaving across keys would make older events late by the partition's event time).
async function send(batch: readonly AccessEvent[]): Promise<void> {
  for (let i = 0; i < batch.length; i += 2000) {
    await publisher.publish(
      vigil.ctx.topics.access,
      batch.slice(i, i + 2000).map((e) => ({
        key: partitionKey(e),
        value: JSON.stringify({ ...e, ts: new Date(e.ts).toISOString() }),
      })),
    );
  }
}

beforeAll(async () => {
  clickhouse = await startClickHouse();
  vigil = await startTestVigil({ brokers, clickhouse, overrides: { pipeline: { store_events: false } } });
  publisher = await vigil.ctx.bus.publisher();
});

afterAll(async () => {
  await vigil?.close();
  await clickhouse?.stop();
});

describe('access-monitor on Kafka', () => {
  it('finds the four access attacks with baselines restored from its changelog', async () => {
    let monitor: RunningService = await accessMonitor.start(vigil.ctx);
    await send(first);
    // Let it consume part (or all) of the first day and a half, then stop it: it drains,
    // checkpoints its keyed state and commits. The next instance resumes from there.
    await new Promise((r) => setTimeout(r, 8000));
    await monitor.stop();
    monitor = await accessMonitor.start(vigil.ctx);
    await send(second);

    const wanted = sim.labels.filter((l) => EXPECTED[l.name] !== undefined);
    const alerts = new Map<string, Alert>();
    const found = await eventually(async () => {
      // The alerts topic read to its end (updates of an alert share its key: last wins).
      for (const m of await readTopic(brokers, vigil.ctx.topics.alerts)) {
        if (m.key !== null && m.value !== null) alerts.set(m.key, JSON.parse(m.value) as Alert);
      }
      const hits = wanted.map((l) =>
        [...alerts.values()].find((a) => a.detector === EXPECTED[l.name] && a.entity.id === l.entity.id),
      );
      return hits.every((h) => h !== undefined) ? (hits as Alert[]) : undefined;
    }, 120_000).catch((err: unknown) => {
      const seen = [...alerts.values()].map((a) => `${a.detector} ${a.entity.id} ${a.first_seen}`);
      const want = wanted.map((l) => `${EXPECTED[l.name]} ${l.entity.id}`);
      throw new Error(`${String(err)}; wanted ${want.join(', ')}; alerts: ${seen.join('; ')}`);
    });
    await monitor.stop();

    for (const a of found) {
      expect(a.evidence.statistic.length).toBeGreaterThan(10);
      expect(a.evidence.sample_event_ids.length).toBeGreaterThan(0);
      expect(a.techniques.length).toBeGreaterThan(0);
      expect(['low', 'medium', 'high', 'critical']).toContain(a.severity);
    }
    // Benign look-alikes stay silent.
    const benign = sim.labels.filter((l) => l.benign === true).map((l) => l.entity.id);
    expect([...alerts.values()].filter((a) => benign.includes(a.entity.id))).toEqual([]);
  }, 240_000);
});
