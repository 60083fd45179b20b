/**
 * End-to-end throughput on a real broker: simulated events are produced to the three input
 * topics first (timed separately), then the three monitors and the alert sink start and
 * consume them — validation, detectors, alerts to Kafka, events and alerts to ClickHouse,
 * commits — until every event is counted. Units: events per second; the machine and its
 * load average are printed too, since the broker and ClickHouse share its cores.
 *
 *   npm run bench:kafka [-- --events 200000] [-- --no-store-events]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { accessMonitor } from '../../../services/access-monitor/index.ts';
import { alertSink } from '../../../services/alert-sink/index.ts';
import { facilityMonitor } from '../../../services/facility-monitor/index.ts';
import { inferenceMonitor } from '../../../services/inference-monitor/index.ts';
import type { VigilEvent } from '../../../shared/events/types.ts';
import { publishEvents } from '../../../shared/pipeline/publish-events.ts';
import { simulate } from '../../../shared/simulate/simulate.ts';
import { startClickHouse } from '../../harness/clickhouse.ts';
import { startKafka } from '../../harness/kafka.ts';
import { startTestVigil } from '../../harness/vigil.ts';
import { machine } from '../machine.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    'no-store-events': { type: 'boolean', default: false },
  },
});
const target = Number(values.events);

const events: VigilEvent[] = [];
for (const e of simulate({ seed: 11, days: 14, size: 'medium', scenarios: 'all' }).events) {
  events.push(e);
  if (events.length >= target) break;
}

const kafka = await startKafka();
const clickhouse = await startClickHouse();
const vigil = await startTestVigil({
  brokers: kafka.brokers,
  clickhouse,
  overrides: {
    pipeline: {
      checkpoint_interval_seconds: 30,
      store_events: !values['no-store-events'],
      max_batch_events: 5000,
    },
  },
});
try {
  const publisher = await vigil.ctx.bus.publisher();
  const produceStart = process.hrtime.bigint();
  for (let i = 0; i < events.length; i += 20_000) {
    await publishEvents(publisher, vigil.ctx.topics, events.slice(i, i + 20_000));
  }
  const produceSeconds = Number(process.hrtime.bigint() - produceStart) / 1e9;

  const consumeStart = process.hrtime.bigint();
  await vigil.start(alertSink);
  await vigil.start(inferenceMonitor);
  await vigil.start(accessMonitor);
  await vigil.start(facilityMonitor);
  const counted = async (): Promise<number> => {
    const metric = await vigil.ctx.metrics.eventsIn.get();
    return metric.values.reduce((sum, v) => sum + v.value, 0);
  };
  while ((await counted()) < events.length) await new Promise((r) => setTimeout(r, 100));
  const consumeSeconds = Number(process.hrtime.bigint() - consumeStart) / 1e9;
  const alerts = await vigil.rows<{ n: number | string }>('SELECT count() AS n FROM {db}.alerts FINAL');

  console.log(
    JSON.stringify(
      {
        bench: 'kafka-end-to-end',
        unit: 'events/s',
        events: events.length,
        store_events: !values['no-store-events'],
        produce_events_per_s: Math.round(events.length / produceSeconds),
        consume_detect_store_commit_events_per_s: Math.round(events.length / consumeSeconds),
        alerts_stored: Number(alerts[0]?.n ?? 0),
        load_average: loadavg().map((l) => Math.round(l * 100) / 100),
        machine: machine(),
      },
      null,
      2,
    ),
  );
} finally {
  await vigil.close();
  await clickhouse.stop();
  await kafka.stop();
}
