/**
 * The API for analysts and SOAR against real Kafka and ClickHouse: tenant-scoped keys see,
 * triage and ingest only their tenants' data; the actor is the key; the alert view's chart
 * is a ClickHouse aggregation of the stored events with the detector's band; incidents
 * list their parts in time order; the stream resumes by Last-Event-ID and drops a client
 * that stops reading.
 */
import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApi } from '../../services/api/index.ts';
import type { AlertFeed } from '../../services/api/routes/stream.ts';
import type { Alert, UpsEvent } from '../../shared/events/types.ts';
import { AlertWriter } from '../../shared/store/alert-writer.ts';
import { EventWriter } from '../../shared/store/event-writer.ts';
import { startClickHouse, type RunningClickHouse } from '../harness/clickhouse.ts';
import { EventClock, accessEvent, upsEvent } from '../harness/events.ts';
import { startTestVigil, type TestVigil } from '../harness/vigil.ts';

const KEYS = {
  admin: 'admin-key-0001',
  analyst: 'analyst-key-0001',
  acme: 'acme-analyst-key-1',
  soar: 'acme-soar-key-0001',
};
const auth = (k: keyof typeof KEYS) => ({ authorization: `Bearer ${KEYS[k]}` });
const T0 = Date.parse('2026-04-01T10:00:00Z');

let clickhouse: RunningClickHouse;
let vigil: TestVigil;
let app: FastifyInstance;
let feed: AlertFeed;

function alert(n: number, fields: Partial<Alert> = {}): Alert {
  return {
    alert_id: n.toString(16).padStart(32, 'c'),
    detector: 'access.volume',
    category: 'exfiltration',
    severity: 'high',
    score: 80,
    tenant: n % 2 === 0 ? 'acme' : 'globex',
    entity: { type: 'principal', id: `scope-${n}` },
    title: `Scoped alert ${n}`,
    description: `alert ${n} for scope tests`,
    first_seen: new Date(T0 + n * 60_000).toISOString(),
    last_seen: new Date(T0 + n * 60_000).toISOString(),
    detected_at: new Date(T0).toISOString(),
    event_count: 1,
    evidence: { statistic: 'z', observed: 9, expected: 1, threshold: 3, window: '1h', sample_event_ids: [] },
    techniques: [],
    related: [],
    ...fields,
  };
}

const ACME = alert(2);
const GLOBEX = alert(3);

beforeAll(async () => {
  clickhouse = await startClickHouse();
  vigil = await startTestVigil({
    brokers: inject('kafkaBrokers'),
    clickhouse,
    env: {
      VIGIL_API_KEYS: [
        `ada:${KEYS.admin}:admin`,
        `ana:${KEYS.analyst}:analyst`,
        `acme-analyst:${KEYS.acme}:analyst:acme`,
        `acme-soar:${KEYS.soar}:integration:acme`,
      ].join(','),
    },
    overrides: { api: { stream_buffer_bytes: 65_536, stream_replay_alerts: 100 } },
  });
  ({ app, feed } = await createApi(vigil.ctx));
  const store = await vigil.ctx.store();
  await new AlertWriter(store.client, vigil.config.clickhouse.database).write([ACME, GLOBEX]);
});

afterAll(async () => {
  await app?.close();
  await vigil?.close();
  await clickhouse?.stop();
});

describe('tenant-scoped keys', () => {
  it('list, read and triage only their tenants; other alerts do not exist for them', async () => {
    const list = await app.inject({ url: '/api/v1/alerts?q=scope%20tests', headers: auth('acme') });
    expect((list.json() as { alerts: Alert[] }).alerts.map((a) => a.alert_id)).toEqual([ACME.alert_id]);
    const all = await app.inject({ url: '/api/v1/alerts?q=scope%20tests', headers: auth('analyst') });
    expect((all.json() as { alerts: Alert[] }).alerts).toHaveLength(2);
    // Asking for another tenant by filter gives nothing, not the other tenant's data.
    const other = await app.inject({ url: '/api/v1/alerts?tenant=globex', headers: auth('acme') });
    expect((other.json() as { alerts: Alert[] }).alerts).toEqual([]);

    expect(
      (await app.inject({ url: `/api/v1/alerts/${GLOBEX.alert_id}`, headers: auth('acme') })).statusCode,
    ).toBe(404);
    expect(
      (await app.inject({ url: `/api/v1/alerts/${ACME.alert_id}`, headers: auth('acme') })).statusCode,
    ).toBe(200);
    const foreign = await app.inject({
      method: 'POST',
      url: `/api/v1/alerts/${GLOBEX.alert_id}/actions`,
      headers: auth('acme'),
      payload: { action: 'acknowledge' },
    });
    expect(foreign.statusCode).toBe(404);
    const own = await app.inject({
      method: 'POST',
      url: `/api/v1/alerts/${ACME.alert_id}/actions`,
      headers: auth('acme'),
      payload: { action: 'assign', assignee: 'tier2', note: 'mine' },
    });
    expect(own.statusCode).toBe(201);
    expect(own.json()).toMatchObject({ actor: 'acme-analyst', role: 'analyst', action: 'assign' });

    const overview = await app.inject({
      url: `/api/v1/overview?from=${T0}&to=${T0 + 3_600_000}`,
      headers: auth('acme'),
    });
    expect(overview.json()).toMatchObject({ total: 1, top_entities: [{ entity_id: ACME.entity.id }] });
  });

  it('records the key as the actor and refuses an actor from the body', async () => {
    const forged = await app.inject({
      method: 'POST',
      url: `/api/v1/alerts/${ACME.alert_id}/actions`,
      headers: auth('analyst'),
      payload: { action: 'resolve', actor: 'ada' },
    });
    expect(forged.statusCode).toBe(400);
    const ok = await app.inject({
      method: 'POST',
      url: `/api/v1/alerts/${ACME.alert_id}/actions`,
      headers: auth('analyst'),
      payload: { action: 'resolve', note: 'done' },
    });
    expect(ok.statusCode).toBe(201);
    const detail = (
      await app.inject({ url: `/api/v1/alerts/${ACME.alert_id}`, headers: auth('admin') })
    ).json() as {
      status: string;
      history: Array<{ actor: string; action: string }>;
    };
    expect(detail.status).toBe('resolved');
    expect(detail.history.map((h) => [h.actor, h.action])).toEqual([
      ['acme-analyst', 'assign'],
      ['ana', 'resolve'],
    ]);
  });

  it('ingest only their tenants; an event of another tenant is rejected by index', async () => {
    const clock = new EventClock(T0, 'scoped');
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: auth('soar'),
      payload: [
        accessEvent(clock, { tenant: 'acme' }),
        accessEvent(clock, { tenant: 'globex' }),
        { ...accessEvent(clock), tenant: undefined },
      ],
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({
      accepted: 1,
      rejected: [
        { index: 1, reason: expect.stringContaining('may ingest only tenants acme, got "globex"') },
        { index: 2, reason: expect.stringContaining('got "default"') },
      ],
    });
  });
});

describe('alert list', () => {
  it('pages through exactly what FINAL holds: latest revisions, statuses, sorts and cursors', async () => {
    const store = await vigil.ctx.store();
    const db = vigil.config.clickhouse.database;
    const writer = new AlertWriter(store.client, db);
    const base = Array.from({ length: 150 }, (_, i) =>
      alert(5000 + i, {
        detector: 'access.bulk_export',
        severity: (['low', 'medium', 'high'] as const)[i % 3],
        score: (i * 37) % 100,
        last_seen: new Date(T0 + ((i * 7919) % 150) * 60_000).toISOString(),
      }),
    );
    await writer.write(base);
    // Later revisions of a third of them (persisting anomalies), unmerged: newer, other severity.
    await writer.write(
      base
        .filter((_, i) => i % 3 === 1)
        .map((a, i) => ({
          ...a,
          event_count: 2,
          severity: 'critical' as const,
          score: 99 - (i % 5),
          last_seen: new Date(T0 + (200 + i) * 60_000).toISOString(),
        })),
    );
    for (const [i, action] of [
      [3, 'resolve'],
      [4, 'acknowledge'],
      [7, 'false_positive'],
      [10, 'assign'],
    ] as const) {
      const res = await app.inject({
        method: 'POST',
        url: `/api/v1/alerts/${base[i]!.alert_id}/actions`,
        headers: auth('analyst'),
        payload: { action, ...(action === 'assign' && { assignee: 'bob' }) },
      });
      expect(res.statusCode).toBe(201);
    }
    const oracle = async (where: string, order: string): Promise<string[]> =>
      (
        await vigil.rows<{ alert_id: string }>(
          `SELECT a.alert_id FROM {db}.alerts AS a FINAL
           LEFT JOIN (SELECT alert_id, argMaxIf(action, at, action != 'comment') AS last FROM {db}.alert_actions GROUP BY alert_id) AS s
             ON s.alert_id = a.alert_id
           WHERE a.detector = 'access.bulk_export' ${where} ORDER BY ${order}`,
        )
      ).map((r) => r.alert_id);
    const paged = async (query: string): Promise<string[]> => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const url = `/api/v1/alerts?detector=access.bulk_export&limit=20&${query}${cursor ? `&cursor=${cursor}` : ''}`;
        const body = (await app.inject({ url, headers: auth('admin') })).json() as {
          alerts: Alert[];
          next_cursor: string | null;
        };
        ids.push(...body.alerts.map((a) => a.alert_id));
        cursor = body.next_cursor;
      } while (cursor !== null && ids.length < 1000);
      return ids;
    };
    const open = "AND s.last NOT IN ('resolve', 'acknowledge', 'false_positive', 'assign')";
    expect(await paged('')).toEqual(await oracle('', 'a.last_seen DESC, a.alert_id DESC'));
    expect(await paged('status=open')).toEqual(await oracle(open, 'a.last_seen DESC, a.alert_id DESC'));
    expect(await paged('status=resolved,assigned')).toEqual(
      await oracle("AND s.last IN ('resolve', 'assign')", 'a.last_seen DESC, a.alert_id DESC'),
    );
    expect(await paged('severity=critical&sort=score')).toEqual(
      await oracle("AND a.severity = 'critical'", 'a.score DESC, a.alert_id DESC'),
    );
    expect(await paged('severity=low,medium&status=open,acknowledged')).toHaveLength(
      (
        await oracle(
          `AND a.severity IN ('low', 'medium') AND (s.last NOT IN ('resolve', 'false_positive', 'assign'))`,
          'a.alert_id',
        )
      ).length,
    );
  });
});

describe('alert view', () => {
  it('charts the detector measure per minute from the events table with the baseline band', async () => {
    const store = await vigil.ctx.store();
    const db = vigil.config.clickhouse.database;
    const clock = new EventClock(T0, 'chart');
    const events: UpsEvent[] = [];
    for (let m = 0; m < 30; m++) {
      const load = m === 25 || m === 26 ? 97 : 40 + (m % 3);
      events.push(upsEvent(clock, { tenant: 'acme', device_id: 'ups-chart', metrics: { load_pct: load } }));
      events.push(
        upsEvent(clock.advance(30_000), { tenant: 'acme', device_id: 'ups-other', metrics: { load_pct: 5 } }),
      );
      clock.advance(30_000);
    }
    await new EventWriter(store.client, db).write(events);
    const spike = alert(40, {
      detector: 'facility.metric',
      category: 'facility',
      tenant: 'acme',
      entity: { type: 'device', id: 'ups-chart' },
      first_seen: new Date(T0 + 25 * 60_000).toISOString(),
      last_seen: new Date(T0 + 26 * 60_000).toISOString(),
      evidence: {
        statistic: 'univariate.spike',
        observed: 97,
        expected: 41,
        expected_range: [35, 47],
        threshold: 0.7,
        window: 'recent points',
        metric: 'load_pct',
        sample_event_ids: [events[50]!.event_id],
      },
    });
    await new AlertWriter(store.client, db).write([spike]);
    const detail = (
      await app.inject({ url: `/api/v1/alerts/${spike.alert_id}`, headers: auth('acme') })
    ).json() as {
      chart: {
        band: number[];
        expected: number;
        measure: string;
        points: Array<{ t: number; value: number; anomalous: boolean }>;
      };
      events: Array<{ event_id: string }>;
      timeline: unknown;
    };
    expect(detail.chart).toMatchObject({ band: [35, 47], expected: 41, measure: 'avg' });
    expect(detail.chart.points).toHaveLength(30);
    expect(detail.chart.points.filter((p) => p.anomalous).map((p) => [(p.t - T0) / 60_000, p.value])).toEqual(
      [
        [25, 97],
        [26, 97],
      ],
    );
    expect(detail.events.some((e) => e.event_id === events[50]!.event_id)).toBe(true);
    expect(detail.timeline).toBeNull();
  });

  it('shows an incident as its parts in time order across streams', async () => {
    const store = await vigil.ctx.store();
    const physical = alert(50, {
      detector: 'physical.badge',
      category: 'physical',
      first_seen: new Date(T0 + 5 * 60_000).toISOString(),
      last_seen: new Date(T0 + 5 * 60_000).toISOString(),
    });
    const ups = alert(51, {
      detector: 'facility.metric',
      category: 'facility',
      first_seen: new Date(T0 + 9 * 60_000).toISOString(),
      last_seen: new Date(T0 + 9 * 60_000).toISOString(),
    });
    const incident = alert(52, {
      detector: 'cyber_physical.correlation',
      category: 'cyber_physical',
      related: [ups.alert_id, physical.alert_id],
    });
    await new AlertWriter(store.client, vigil.config.clickhouse.database).write([physical, ups, incident]);
    const detail = (
      await app.inject({ url: `/api/v1/alerts/${incident.alert_id}`, headers: auth('admin') })
    ).json() as {
      chart: unknown;
      timeline: Array<{ alert_id: string; stream: string }>;
    };
    expect(detail.chart).toBeNull();
    expect(detail.timeline.map((p) => [p.alert_id, p.stream])).toEqual([
      [physical.alert_id, 'facility'],
      [ups.alert_id, 'facility'],
    ]);
  });
});

describe('alert stream', () => {
  let address: string;
  beforeAll(async () => {
    address = await app.listen({ port: 0, host: '127.0.0.1' });
  });

  async function readUntil(res: Response, text: string, ms = 10_000): Promise<string> {
    const reader = res.body!.getReader();
    let got = '';
    const deadline = Date.now() + ms;
    while (!got.includes(text) && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      got += new TextDecoder().decode(value);
    }
    return got;
  }

  it('filters by tenant scope and resumes after Last-Event-ID', async () => {
    const first = new AbortController();
    const res = await fetch(`${address}/api/v1/stream`, { headers: auth('soar'), signal: first.signal });
    const a1 = alert(60, { tenant: 'acme' });
    const g1 = alert(61, { tenant: 'globex' });
    feed.publish([g1, a1]);
    const seen = await readUntil(res, a1.alert_id);
    first.abort();
    expect(seen).toContain(`id: ${a1.alert_id}:1`);
    expect(seen).not.toContain(g1.alert_id);

    // Raised while the client was away; it asks for what came after its last id.
    const a2 = alert(62, { tenant: 'acme' });
    feed.publish([alert(63, { tenant: 'globex' }), a2]);
    const again = new AbortController();
    const resumed = await fetch(`${address}/api/v1/stream`, {
      headers: { ...auth('soar'), 'last-event-id': `${a1.alert_id}:1` },
      signal: again.signal,
    });
    const caught = await readUntil(resumed, a2.alert_id);
    again.abort();
    expect(caught).toContain(`id: ${a2.alert_id}:1`);
    expect(caught).not.toContain(`id: ${a1.alert_id}`);

    const lost = new AbortController();
    const unknown = await fetch(`${address}/api/v1/stream`, {
      headers: { ...auth('soar'), 'last-event-id': 'f'.repeat(32) + ':9' },
      signal: lost.signal,
    });
    expect(await readUntil(unknown, 'event: resync')).toContain('event: resync');
    lost.abort();
  });

  it('drops a client that stops reading once it is a buffer behind', async () => {
    const url = new URL(address);
    // The aborted streams of the previous test close on the server side soon after.
    for (let i = 0; i < 50 && feed.listenerCount('alert') > 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    const before = feed.listenerCount('alert');
    expect(before).toBe(0);
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(`GET /api/v1/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${KEYS.admin}\r\n\r\n`);
    await new Promise((r) => setTimeout(r, 200));
    expect(feed.listenerCount('alert')).toBe(before + 1);
    socket.pause(); // reads nothing from here on
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const big = 'x'.repeat(3000);
    for (let i = 0; i < 40 && feed.listenerCount('alert') > before; i++) {
      feed.publish(
        Array.from({ length: 200 }, (_, j) =>
          alert(1000 + i * 200 + j, { tenant: 'acme', description: big }),
        ),
      );
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(feed.listenerCount('alert')).toBe(before);
    socket.resume();
    await closed;
  });
});
