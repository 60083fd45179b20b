/**
 * The foundation end to end on a real Kafka broker and a real ClickHouse engine: events of
 * all three types flow through validation and detectors; a cross-tenant read becomes an
 * alert on the alerts topic and one row in ClickHouse; invalid input lands on the DLQ with
 * a reason naming the field; a monitor stopped mid-stream and restarted loses nothing and
 * duplicates no alert row.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessMonitor } from '../../services/access-monitor/index.ts';
import { alertSink } from '../../services/alert-sink/index.ts';
import { facilityMonitor } from '../../services/facility-monitor/index.ts';
import { inferenceMonitor } from '../../services/inference-monitor/index.ts';
import { partitionKey } from '../../shared/events/keys.ts';
import type { Alert, VigilEvent } from '../../shared/events/types.ts';
import type { DeadLetter } from '../../shared/pipeline/dead-letter.ts';
import type { Publisher } from '../../shared/pipeline/ports.ts';
import { startClickHouse, type RunningClickHouse } from '../harness/clickhouse.ts';
import { EventClock, accessEvent, badgeEvent, inferenceEvent, upsEvent } from '../harness/events.ts';
import { consumeMessages } from '../harness/topics.ts';
import { eventually, startTestVigil, type TestVigil } from '../harness/vigil.ts';

let clickhouse: RunningClickHouse;
let vigil: TestVigil;
let publisher: Publisher;
const brokers = inject('kafkaBrokers');

async function send(events: VigilEvent[]): Promise<void> {
  const topics = vigil.ctx.topics;
  await Promise.all(
    (['inference', 'access', 'facility'] as const).map((type) =>
      publisher.publish(
        topics[type],
        events
          .filter((e) => e.type === type)
          .map((e) => ({
            key: partitionKey(e),
            value: JSON.stringify({ ...e, ts: new Date(e.ts).toISOString() }),
          })),
      ),
    ),
  );
}

beforeAll(async () => {
  clickhouse = await startClickHouse();
  vigil = await startTestVigil({ brokers, clickhouse });
  publisher = await vigil.ctx.bus.publisher();
});

afterAll(async () => {
  await vigil?.close();
  await clickhouse?.stop();
});

describe('pipeline on Kafka and ClickHouse', () => {
  it('stores valid events, raises a cross-tenant alert once, and dead-letters invalid input', async () => {
    await vigil.start(alertSink);
    await vigil.start(inferenceMonitor);
    const access = await vigil.start(accessMonitor);
    await vigil.start(facilityMonitor);

    const clock = new EventClock(Date.parse('2026-03-02T09:00:00Z'), 'p1');
    const events: VigilEvent[] = [];
    for (let i = 0; i < 30; i++) {
      clock.advance(1000);
      events.push(inferenceEvent(clock, { model_id: `m-${i % 3}` }));
      events.push(accessEvent(clock, { principal: `svc-${i % 4}` }));
      events.push(i % 2 === 0 ? upsEvent(clock) : badgeEvent(clock, { zone: `hall-${i % 3}` }));
    }
    const crossing = accessEvent(clock.advance(1000), {
      principal: 'agent-7',
      resource: 'globex/vectors/support',
      resource_tenant: 'globex',
      sensitivity: 'restricted',
      action: 'export',
    });
    events.push(crossing);
    await send(events);
    await publisher.publish(vigil.ctx.topics.access, [
      { key: 'svc-bad', value: '{"type":"access", not json' },
      { key: 'svc-bad', value: JSON.stringify({ ...accessEvent(clock), bytes: 'lots' }) },
    ]);
    await publisher.publish(vigil.ctx.topics.facility, [
      {
        key: 'fra1/power-room',
        value: JSON.stringify({ ...upsEvent(clock), metrics: { load_pct: 'high' } }),
      },
    ]);

    const stored = await eventually(async () => {
      const rows = await vigil.rows<{ type: string; n: string }>(
        'SELECT type, count() AS n FROM {db}.events FINAL GROUP BY type ORDER BY type',
      );
      const total = rows.reduce((s, r) => s + Number(r.n), 0);
      return total === events.length ? rows : undefined;
    });
    expect(stored.map((r) => [r.type, Number(r.n)])).toEqual([
      ['access', 31],
      ['facility', 30],
      ['inference', 30],
    ]);

    // The stored body is the event as the producer sent it.
    const [body] = await vigil.rows<{ body: string; ts: string }>(
      'SELECT body, ts FROM {db}.events FINAL WHERE event_id = {id:String}',
      { id: crossing.event_id },
    );
    expect(JSON.parse(body!.body)).toMatchObject({
      event_id: crossing.event_id,
      ts: new Date(crossing.ts).toISOString(),
    });

    const [alertMessage] = await consumeMessages(brokers, vigil.ctx.topics.alerts, 1);
    const alert = JSON.parse(alertMessage!.value!) as Alert;
    expect(alertMessage!.key).toBe(alert.alert_id);
    expect(alert).toMatchObject({
      detector: 'access.cross_tenant',
      category: 'access',
      severity: 'critical',
      tenant: 'acme',
      entity: { type: 'principal', id: 'agent-7' },
      event_count: 1,
    });
    expect(alert.evidence.sample_event_ids).toEqual([crossing.event_id]);
    expect(alert.first_seen).toBe(new Date(crossing.ts).toISOString());

    const rows = await eventually(async () => {
      const r = await vigil.rows<{ alert_id: string; detector: string; severity: string }>(
        'SELECT alert_id, detector, severity FROM {db}.alerts FINAL',
      );
      return r.length > 0 ? r : undefined;
    });
    expect(rows).toEqual([
      { alert_id: alert.alert_id, detector: 'access.cross_tenant', severity: 'critical' },
    ]);

    const dlq = await consumeMessages(brokers, vigil.ctx.topics.dlq, 3);
    const reasons = dlq.map((m) => (JSON.parse(m.value!) as DeadLetter).reason).sort();
    expect(reasons[0]).toBe('access.bytes: expected number, got "lots"');
    expect(reasons[1]).toBe('facility.metrics.load_pct: expected number, got "high"');
    expect(reasons[2]).toMatch(/^message: invalid JSON/);
    const bad = dlq.find((m) =>
      (JSON.parse(m.value!) as DeadLetter).reason.startsWith('message: invalid JSON'),
    )!;
    const record = JSON.parse(bad.value!) as DeadLetter;
    expect(Buffer.from(record.original_base64, 'base64').toString()).toBe('{"type":"access", not json');
    expect(record.source.topic).toBe(vigil.ctx.topics.access);
    expect(bad.key).toBe('svc-bad');
    expect(access.ready()).toBe(true);
  });

  it('loses nothing and duplicates no alert row when a monitor stops mid-stream and restarts', async () => {
    const clock = new EventClock(Date.parse('2026-03-03T09:00:00Z'), 'p2');
    const crossings = (from: number, to: number): VigilEvent[] => {
      const out: VigilEvent[] = [];
      for (let i = from; i < to; i++) {
        clock.advance(1000);
        for (let j = 0; j < 20; j++) out.push(accessEvent(clock, { principal: `svc-r${j}` }));
        out.push(accessEvent(clock, { principal: `intruder-${i}`, resource_tenant: 'globex' }));
      }
      // One principal keeps crossing across the restart: restored state must extend its alert.
      out.push(accessEvent(clock, { principal: 'mole', resource_tenant: 'initech' }));
      return out;
    };
    const before = await vigil.rows<{ n: string }>('SELECT count() AS n FROM {db}.alerts FINAL');
    const baseline = Number(before[0]!.n);
    const firstHalf = crossings(0, 10);
    await send(firstHalf);

    // Stop everything once the monitors are part-way through the first half …
    await eventually(async () => {
      const r = await vigil.rows<{ n: string }>(
        "SELECT count() AS n FROM {db}.alerts FINAL WHERE startsWith(entity_id, 'intruder-')",
      );
      return Number(r[0]!.n) >= 1;
    });
    await vigil.close();

    // … then bring up a fresh process-equivalent and send the second half.
    vigil = await startTestVigil({ brokers, clickhouse, overrides: sameTopics(vigil) });
    publisher = await vigil.ctx.bus.publisher();
    await vigil.start(alertSink);
    await vigil.start(accessMonitor);
    const secondHalf = crossings(10, 20);
    await send(secondHalf);

    const expected = baseline + 21;
    const final = await eventually(async () => {
      const r = await vigil.rows<{ n: string; ids: string }>(
        'SELECT count() AS n, uniqExact(alert_id) AS ids FROM {db}.alerts FINAL',
      );
      return Number(r[0]!.n) === expected ? r[0] : undefined;
    }, 60_000);
    expect(Number(final.ids)).toBe(expected);
    const entities = await vigil.rows<{ entity_id: string }>(
      "SELECT entity_id FROM {db}.alerts FINAL WHERE startsWith(entity_id, 'intruder-') ORDER BY entity_id",
    );
    expect(entities.map((e) => e.entity_id)).toEqual(
      Array.from({ length: 20 }, (_, i) => `intruder-${i}`).sort(),
    );
    const events = await eventually(async () => {
      const r = await vigil.rows<{ n: string }>(
        "SELECT uniqExact(event_id) AS n FROM {db}.events WHERE startsWith(event_id, 'p2-')",
      );
      return Number(r[0]!.n) === firstHalf.length + secondHalf.length ? r : undefined;
    }, 60_000);
    expect(Number(events[0]!.n)).toBe(422);
    const mole = await vigil.rows<{ event_count: number }>(
      "SELECT event_count FROM {db}.alerts FINAL WHERE entity_id = 'mole'",
    );
    expect(mole).toEqual([{ event_count: 2 }]);
  });
});

function sameTopics(previous: TestVigil): Record<string, unknown> {
  const c = previous.config;
  return {
    topics: { ...c.topics },
    clickhouse: { database: c.clickhouse.database },
  };
}
