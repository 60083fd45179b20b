/**
 * The facility detectors and the correlator on a real Kafka broker, as deployed: a facility
 * topic of 6 partitions keyed by site/zone; the power-room intrusion's door and UPS events
 * meet in one partition and become one cyber_physical.correlation alert; a badge at two
 * sites (two partitions) is caught through the by-badge internal topic; the correlator
 * joins alerts of two different monitors (a forced door and a cross-tenant read from a
 * console in the same zone) into one incident.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessMonitor } from '../../services/access-monitor/index.ts';
import { correlator } from '../../services/correlator/index.ts';
import { facilityMonitor } from '../../services/facility-monitor/index.ts';
import { partitionKey } from '../../shared/events/keys.ts';
import { partitionForKey } from '../../shared/events/partitioner.ts';
import type { Alert, FacilityEvent, VigilEvent } from '../../shared/events/types.ts';
import type { Publisher } from '../../shared/pipeline/ports.ts';
import { simulate } from '../../shared/simulate/simulate.ts';
import { accessEvent, badgeEvent, EventClock } from '../harness/events.ts';
import { readTopic, uniqueName } from '../harness/topics.ts';
import { eventually, startTestVigil, type TestVigil } from '../harness/vigil.ts';

const brokers = inject('kafkaBrokers');
const PARTITIONS = 6;
let vigil: TestVigil;
let publisher: Publisher;

async function send(events: VigilEvent[]): Promise<void> {
  const topics = vigil.ctx.topics;
  for (const type of ['access', 'facility'] as const) {
    const messages = events
      .filter((e) => e.type === type)
      .map((e) => ({
        key: partitionKey(e),
        value: JSON.stringify({ ...e, ts: new Date(e.ts).toISOString() }),
      }));
    for (let i = 0; i < messages.length; i += 500)
      await publisher.publish(topics[type], messages.slice(i, i + 500));
  }
}

async function alerts(): Promise<Alert[]> {
  const latest = new Map<string, Alert>();
  for (const m of await readTopic(brokers, vigil.ctx.topics.alerts)) {
    const a = JSON.parse(m.value!) as Alert;
    const seen = latest.get(a.alert_id);
    if (seen === undefined || a.event_count >= seen.event_count) latest.set(a.alert_id, a);
  }
  return [...latest.values()];
}

beforeAll(async () => {
  const t = (label: string) => uniqueName(label);
  vigil = await startTestVigil({
    brokers,
    // These services never open the store.
    clickhouse: { dataDir: mkdtempSync(join(tmpdir(), 'vigil-facility-')), stop: async () => undefined },
    overrides: {
      topics: {
        inference: t('inference'),
        access: t('access'),
        facility: t('facility'),
        alerts: t('alerts'),
        dlq: t('dlq'),
        state_prefix: `${t('state')}.`,
        partitions: PARTITIONS,
      },
      sites: { fra1: { zones: { 'hall-1': { networks: ['10.20.1.0/24'] } } } },
    },
  });
  publisher = await vigil.ctx.bus.publisher();
  await vigil.start(facilityMonitor);
  await vigil.start(accessMonitor);
  await vigil.start(correlator);
});

afterAll(async () => {
  await vigil?.close();
});

describe('facility detectors and the correlator on Kafka', () => {
  it('meets the intrusion’s door and UPS events in one partition: one critical correlation', async () => {
    const sim = simulate({
      seed: 9,
      days: 1,
      size: 'small',
      scenarios: [{ name: 'power-room-intrusion', start: '+20h' }],
      start: '2026-03-02T00:00:00Z',
    });
    const label = sim.labels[0]!;
    const from = Date.parse(label.start) - 60 * 60_000;
    const events = [...sim.events].filter(
      (e): e is FacilityEvent =>
        e.type === 'facility' &&
        `${e.site}/${e.zone}` === 'fra1/power-room' &&
        e.ts >= from &&
        e.ts <= Date.parse(label.end),
    );
    expect(events.some((e) => e.kind === 'badge' && e.result === 'forced')).toBe(true);
    expect(events.some((e) => e.kind === 'ups')).toBe(true);
    await send(events);

    const found = await eventually(async () => {
      const all = await alerts();
      const c = all.find((a) => a.detector === 'cyber_physical.correlation');
      return c !== undefined && c.related.length >= 2 ? { all, c } : undefined;
    }, 60_000);
    expect(found.c).toMatchObject({ severity: 'critical', entity: { type: 'zone', id: 'fra1/power-room' } });
    const cited = found.all.filter((a) => found.c.related.includes(a.alert_id)).map((a) => a.detector);
    expect(cited).toEqual(expect.arrayContaining(['physical.badge', 'facility.state']));

    // Every event of the zone sits in the one partition its key names.
    const onTopic = (await readTopic(brokers, vigil.ctx.topics.facility)).filter(
      (m) => m.key === 'fra1/power-room',
    );
    expect(onTopic.length).toBe(events.length);
    expect(new Set(onTopic.map((m) => m.partition))).toEqual(
      new Set([partitionForKey('fra1/power-room', PARTITIONS)]),
    );
  });

  it('catches one badge at two sites, whose events arrive on two partitions, through the by-badge topic', async () => {
    const a = 'fra1/hall-2';
    const b = 'iad1/hall-1';
    expect(partitionForKey(a, PARTITIONS)).not.toBe(partitionForKey(b, PARTITIONS));
    const clock = new EventClock(Date.parse('2026-03-04T14:00:00Z'), 'travel');
    const here = badgeEvent(clock, { site: 'fra1', zone: 'hall-2', badge_id: 'B-CLONE', door_id: 'fra1-h2' });
    const there = badgeEvent(clock.advance(6 * 60_000), {
      site: 'iad1',
      zone: 'hall-1',
      badge_id: 'B-CLONE',
      door_id: 'iad1-h1',
    });
    await send([here, there]);

    const alert = await eventually(async () =>
      (await alerts()).find((x) => x.detector === 'physical.badge' && x.entity.id === 'B-CLONE'),
    );
    expect(alert).toMatchObject({ severity: 'high', entity: { type: 'badge', id: 'B-CLONE' } });
    expect(alert.evidence).toMatchObject({ kind: 'impossible_travel', from: a, to: b });
    expect(alert.evidence.sample_event_ids).toEqual([here.event_id, there.event_id]);
    const byBadge = (await readTopic(brokers, `${vigil.ctx.topics.facility}.by-badge`)).filter(
      (m) => m.key === 'B-CLONE',
    );
    expect(byBadge).toHaveLength(2);
    expect(new Set(byBadge.map((m) => m.partition)).size).toBe(1);
  });

  it('joins a forced door and a cross-tenant read from a console in the same hall into one incident', async () => {
    const clock = new EventClock(Date.parse('2026-03-05T22:00:00Z'), 'joined');
    const door = badgeEvent(clock, {
      site: 'fra1',
      zone: 'hall-1',
      badge_id: 'no-badge',
      door_id: 'fra1-hall-1-door-1',
      result: 'forced',
    });
    const read = accessEvent(clock.advance(12 * 60_000), {
      principal: 'intruder@globex',
      tenant: 'globex',
      resource: 'acme/datasets/payroll',
      resource_tenant: 'acme',
      sensitivity: 'restricted',
      client_ip: '10.20.1.77',
    });
    await send([door, read]);

    const incident = await eventually(async () =>
      (await alerts()).find((x) => x.detector === 'correlation.incident' && x.entity.id === 'fra1/hall-1'),
    );
    const all = await alerts();
    const parts = all.filter((a) => incident.related.includes(a.alert_id));
    expect(parts.map((p) => p.detector).sort()).toEqual(['access.cross_tenant', 'physical.badge']);
    expect(incident).toMatchObject({ severity: 'critical', entity: { type: 'zone', id: 'fra1/hall-1' } });
    expect(incident.evidence).toMatchObject({ streams: ['access', 'facility'], dimension: 'zone' });
    // One incident per key and window, however often the parts were delivered.
    expect(
      all.filter((a) => a.detector === 'correlation.incident' && a.entity.id === 'fra1/hall-1'),
    ).toHaveLength(1);
  });
});
