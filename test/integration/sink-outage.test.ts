/**
 * ClickHouse going away under the alert sink: while the alerts table cannot be written
 * (detached — inserts fail as they would with the server down) the sink commits nothing
 * and holds its offsets; once it is back, the table ends with one current row (the latest
 * revision) per alert and the group has caught up.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { alertSink } from '../../services/alert-sink/index.ts';
import { makeAlerts, publishAlerts } from '../harness/alerts.ts';
import { startClickHouse, type RunningClickHouse } from '../harness/clickhouse.ts';
import { uncommitted } from '../harness/offsets.ts';
import { eventually, startTestVigil, type TestVigil } from '../harness/vigil.ts';

let clickhouse: RunningClickHouse;
let vigil: TestVigil;

beforeAll(async () => {
  clickhouse = await startClickHouse();
  vigil = await startTestVigil({ brokers: inject('kafkaBrokers'), clickhouse });
  await vigil.start(alertSink);
});

afterAll(async () => {
  await vigil?.close();
  await clickhouse?.stop();
});

describe('alert sink during a ClickHouse outage', () => {
  it('holds its offsets while ClickHouse is down and ends with one current row per alert', async () => {
    const brokers = inject('kafkaBrokers');
    const group = 'vigil-alert-sink-clickhouse';
    const topic = vigil.ctx.topics.alerts;
    const before = makeAlerts(20, 'ch-before');
    await publishAlerts(vigil, before);
    await eventually(async () => (await uncommitted(brokers, group, topic)) === 0);

    await vigil.rows('DETACH TABLE {db}.alerts');
    const during = makeAlerts(20, 'ch-during');
    const revised = before.slice(0, 5).map((a) => ({ ...a, event_count: 3, severity: 'critical' as const }));
    await publishAlerts(vigil, [...during, ...revised]);
    await new Promise((r) => setTimeout(r, 4000));
    expect(await uncommitted(brokers, group, topic)).toBe(25);

    await vigil.rows('ATTACH TABLE {db}.alerts');
    await eventually(async () => (await uncommitted(brokers, group, topic)) === 0, 60_000);
    const rows = await vigil.rows<{ alert_id: string; event_count: number; severity: string }>(
      'SELECT alert_id, event_count, severity FROM {db}.alerts FINAL ORDER BY alert_id',
    );
    expect(rows).toHaveLength(40);
    expect(new Set(rows.map((r) => r.alert_id)).size).toBe(40);
    for (const r of revised) {
      expect(rows.find((row) => row.alert_id === r.alert_id)).toMatchObject({
        event_count: 3,
        severity: 'critical',
      });
    }
  });
});
