/**
 * The inference-monitor on the real Kafka broker: three simulated days of inference
 * traffic with a harvesting extraction, a probe, an input drift and a hijacked agent are
 * produced to the inference topic, and the alerts that arrive on the alerts topic are
 * exactly the ones a replay of the same events gives (same detectors, same entities, same
 * deterministic alert ids) — every attack among them.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { inferenceMonitor } from '../../services/inference-monitor/index.ts';
import { INFERENCE_DETECTORS } from '../../services/inference-monitor/detectors/index.ts';
import type { Alert, InferenceEvent } from '../../shared/events/types.ts';
import { publishEvents } from '../../shared/pipeline/publish-events.ts';
import { detectPartitioned } from '../../shared/pipeline/partitioned-run.ts';
import { resolveDetectors } from '../../shared/pipeline/registry.ts';
import { simulate } from '../../shared/simulate/simulate.ts';
import { startClickHouse, type RunningClickHouse } from '../harness/clickhouse.ts';
import { Kafka, logLevel } from 'kafkajs';
import { uniqueName } from '../harness/topics.ts';
import { startTestVigil, type TestVigil } from '../harness/vigil.ts';

let clickhouse: RunningClickHouse;
let vigil: TestVigil;
const brokers = inject('kafkaBrokers');

beforeAll(async () => {
  clickhouse = await startClickHouse();
  vigil = await startTestVigil({ brokers, clickhouse, overrides: { pipeline: { store_events: false } } });
});

afterAll(async () => {
  await vigil?.close();
  await clickhouse?.stop();
});

/** Alerts of `topic` by id (latest update), read from the start until `done` or 120 s. */
async function readAlerts(
  topic: string,
  done: (got: Map<string, Alert>) => boolean,
): Promise<Map<string, Alert>> {
  const kafka = new Kafka({
    clientId: 'inference-test',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId: uniqueName('alerts') });
  const got = new Map<string, Alert>();
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  try {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 120_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          const alert = JSON.parse(message.value!.toString()) as Alert;
          expect(message.key?.toString()).toBe(alert.alert_id);
          const prev = got.get(alert.alert_id);
          if (prev === undefined || alert.event_count >= prev.event_count) got.set(alert.alert_id, alert);
          if (done(got)) {
            clearTimeout(timer);
            // Anything still in flight would be a duplicate or an unexpected alert: allow a moment.
            setTimeout(resolve, 2000);
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return got;
}

describe('inference-monitor on Kafka', () => {
  it('raises on the alerts topic the alerts a replay of the same stream raises, every attack among them', async () => {
    const sim = simulate({
      seed: 61,
      days: 3,
      size: 'small',
      scenarios: ['extraction-harvest', 'extraction-probing', 'drift-input', 'agent-hijack'],
    });
    const events: InferenceEvent[] = [];
    for (const e of sim.events) if (e.type === 'inference') events.push(e);

    // What the live partitions must produce: the same detectors over the same partitions.
    const expected = detectPartitioned(events, resolveDetectors(INFERENCE_DETECTORS, {}), {
      partitions: vigil.config.topics.partitions,
      allowedLatenessMs: vigil.config.pipeline.allowed_lateness_minutes * 60_000,
    });
    for (const label of sim.labels) {
      expect(
        expected.some(
          (a) => a.entity.id === label.entity.id && label.detectors.includes(a.detector as never),
        ),
        label.name,
      ).toBe(true);
    }

    await vigil.start(inferenceMonitor);
    const publisher = await vigil.ctx.bus.publisher();
    for (let i = 0; i < events.length; i += 2000) {
      await publishEvents(publisher, vigil.ctx.topics, events.slice(i, i + 2000));
    }

    // Alerts arrive as messages keyed by alert id, updates included; read until every
    // expected id has arrived in its final state (its last update).
    const want = new Map(expected.map((a) => [a.alert_id, a]));
    const seen = await readAlerts(vigil.ctx.topics.alerts, (got) =>
      [...want].every(([id, a]) => got.get(id)?.event_count === a.event_count),
    );
    expect([...seen.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [id, alert] of seen) {
      const w = want.get(id)!;
      expect({ ...alert, detected_at: '' }).toEqual({ ...w, detected_at: '' });
    }
  }, 300_000);
});
