/**
 * The HTTP API against real Kafka and ClickHouse: authentication and roles on every
 * route, bounded bodies, ingest with the event contract's validation flowing through the
 * pipeline into alerts, triage actions, filters, cursor pagination and hostile input.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessMonitor } from '../../services/access-monitor/index.ts';
import { alertSink } from '../../services/alert-sink/index.ts';
import { createApi, startAlertFeed } from '../../services/api/index.ts';
import type { AlertFeed } from '../../services/api/routes/stream.ts';
import type { EventSource } from '../../shared/pipeline/ports.ts';
import type { Alert } from '../../shared/events/types.ts';
import { AlertWriter } from '../../shared/store/alert-writer.ts';
import { startClickHouse, type RunningClickHouse } from '../harness/clickhouse.ts';
import { EventClock, accessEvent } from '../harness/events.ts';
import { eventually, startTestVigil, type TestVigil } from '../harness/vigil.ts';

const KEYS = {
  admin: 'admin-key-0001',
  analyst: 'analyst-key-0001',
  integration: 'integration-key-0001',
  acmeAnalyst: 'acme-analyst-key-1',
  acmeSoar: 'acme-soar-key-0001',
};
const auth = (role: keyof typeof KEYS) => ({ authorization: `Bearer ${KEYS[role]}` });
// Named keys, tenant-scoped keys, and the older unnamed `key:role` form side by side.
const API_KEYS = [
  `ada:${KEYS.admin}:admin`,
  `ana:${KEYS.analyst}:analyst`,
  `${KEYS.integration}:integration`,
  `acme-analyst:${KEYS.acmeAnalyst}:analyst:acme`,
  `acme-soar:${KEYS.acmeSoar}:integration:acme|acme-eu`,
].join(',');

let clickhouse: RunningClickHouse;
let vigil: TestVigil;
let app: FastifyInstance;
let feed: AlertFeed;
let feedSource: EventSource;

beforeAll(async () => {
  clickhouse = await startClickHouse();
  vigil = await startTestVigil({
    brokers: inject('kafkaBrokers'),
    clickhouse,
    env: { VIGIL_API_KEYS: API_KEYS },
  });
  await vigil.start(alertSink);
  await vigil.start(accessMonitor);
  ({ app, feed } = await createApi(vigil.ctx));
  feedSource = await startAlertFeed(vigil.ctx, feed);
});

afterAll(async () => {
  await app?.close();
  await feedSource?.stop();
  await vigil?.close();
  await clickhouse?.stop();
});

type Page = { alerts: Array<Alert & { status: string }>; next_cursor: string | null };

describe('API authentication and roles', () => {
  it('serves health and readiness without a key, everything else only with one', async () => {
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/readyz' })).json()).toEqual({ ready: true, waiting: [] });
    for (const url of ['/api/v1/alerts', '/metrics', '/api/v1/nope']) {
      const res = await app.inject({ url });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('VGL_ERR_API_UNAUTHENTICATED');
    }
    const wrong = await app.inject({ url: '/api/v1/alerts', headers: { authorization: 'Bearer not-a-key' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).not.toContain('not-a-key');
    const spec = await app.inject({ url: '/openapi.json', headers: auth('integration') });
    const doc = spec.json() as {
      openapi: string;
      paths: Record<string, Record<string, { parameters?: Array<{ name: string }> }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    for (const [path, method] of [
      ['/api/v1/alerts', 'get'],
      ['/api/v1/alerts/{id}/actions', 'post'],
      ['/api/v1/stream', 'get'],
      ['/api/v1/events', 'post'],
      ['/api/v1/detectors/{id}', 'put'],
    ] as const) {
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
      expect(app.hasRoute({ method: method.toUpperCase() as 'GET', url: path.replace('{id}', ':id') })).toBe(
        true,
      );
    }
    expect(doc.paths['/api/v1/alerts']!['get']!.parameters!.map((p) => p.name)).toEqual(
      expect.arrayContaining(['severity', 'cursor', 'limit']),
    );
    const metrics = await app.inject({ url: '/metrics', headers: auth('analyst') });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toContain('vigil_events_in_total');
  });

  it('checks roles: ingest is for integration and admin, triage for analyst and admin', async () => {
    const ev = accessEvent(new EventClock());
    const asAnalyst = await app.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: auth('analyst'),
      payload: ev,
    });
    expect(asAnalyst.statusCode).toBe(403);
    expect(asAnalyst.json().error.code).toBe('VGL_ERR_API_FORBIDDEN');
    const action = await app.inject({
      method: 'POST',
      url: `/api/v1/alerts/${'0'.repeat(32)}/actions`,
      headers: auth('integration'),
      payload: { action: 'acknowledge' },
    });
    expect(action.statusCode).toBe(403);
  });
});

describe('API ingest and triage', () => {
  it('validates ingested events like the Kafka path and turns a crossing into a stored alert', async () => {
    const clock = new EventClock(Date.parse('2026-03-04T10:00:00Z'), 'api');
    const good = accessEvent(clock, { principal: 'api-intruder', resource_tenant: 'globex' });
    const bad = { ...accessEvent(clock), action: 'steal' };
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: auth('integration'),
      payload: [good, bad],
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({
      accepted: 1,
      rejected: [{ index: 1, reason: expect.stringMatching(/^access\.action: expected one of read/) }],
    });
    const none = await app.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: auth('admin'),
      payload: bad,
    });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.code).toBe('VGL_ERR_EVENT_INVALID');
    const huge = await app.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: { ...auth('admin'), 'content-type': 'application/json' },
      payload: JSON.stringify({ ...good, padding: 'x'.repeat(1024 * 1024) }),
    });
    expect(huge.statusCode).toBe(413);

    const page = await eventually(async () => {
      const r = await app.inject({ url: '/api/v1/alerts?entity=api-intruder', headers: auth('analyst') });
      const body = r.json() as Page;
      return body.alerts.length > 0 ? body : undefined;
    });
    const alert = page.alerts[0]!;
    expect(alert).toMatchObject({
      detector: 'access.cross_tenant',
      status: 'open',
      entity: { id: 'api-intruder' },
    });
    expect(alert.evidence.sample_event_ids).toEqual([good.event_id]);

    const ack = await app.inject({
      method: 'POST',
      url: `/api/v1/alerts/${alert.alert_id}/actions`,
      headers: auth('analyst'),
      payload: { action: 'acknowledge', note: 'looking' },
    });
    expect(ack.statusCode).toBe(201);
    const detail = await app.inject({ url: `/api/v1/alerts/${alert.alert_id}`, headers: auth('analyst') });
    expect(detail.json()).toMatchObject({
      alert_id: alert.alert_id,
      status: 'acknowledged',
      history: [{ action: 'acknowledge', note: 'looking', role: 'analyst', actor: 'ana' }],
      related_alerts: [],
    });
    const around = detail.json().events as Array<{ event_id: string; body: { resource_tenant?: string } }>;
    expect(around.find((e) => e.event_id === good.event_id)?.body.resource_tenant).toBe('globex');
    const acked = await app.inject({ url: '/api/v1/alerts?status=acknowledged', headers: auth('analyst') });
    expect((acked.json() as Page).alerts.map((a) => a.alert_id)).toEqual([alert.alert_id]);
    const missing = await app.inject({ url: `/api/v1/alerts/${'f'.repeat(32)}`, headers: auth('analyst') });
    expect(missing.statusCode).toBe(404);
  });

  it('filters and paginates with a cursor; hostile input is only ever a parameter', async () => {
    const store = await vigil.ctx.store();
    const writer = new AlertWriter(store.client, vigil.config.clickhouse.database);
    const base = Date.parse('2026-02-01T00:00:00Z');
    const alerts: Alert[] = Array.from({ length: 7 }, (_, i) => ({
      alert_id: (i + 1).toString(16).padStart(32, 'a'),
      detector: 'access.volume',
      category: 'exfiltration',
      severity: i % 2 === 0 ? 'high' : 'low',
      score: 50 + i,
      tenant: 'acme',
      entity: { type: 'principal', id: `pager-${i}` },
      title: `Volume ${i}`,
      description: `pager alert ${i}`,
      first_seen: new Date(base + i * 60_000).toISOString(),
      last_seen: new Date(base + i * 60_000).toISOString(),
      detected_at: new Date(base).toISOString(),
      event_count: 1,
      evidence: {
        statistic: 'z',
        observed: i,
        expected: 0,
        threshold: 3,
        window: '1h',
        sample_event_ids: [],
      },
      techniques: [],
      related: [],
    }));
    await writer.write(alerts);
    await writer.write(alerts); // a redelivery: deduplicated by alert_id

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url = `/api/v1/alerts?detector=access.volume&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const body = (await app.inject({ url, headers: auth('analyst') })).json() as Page;
      seen.push(...body.alerts.map((a) => a.alert_id));
      cursor = body.next_cursor;
      pages++;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(alerts.map((a) => a.alert_id).reverse());

    const high = (
      await app.inject({ url: '/api/v1/alerts?detector=access.volume&severity=high', headers: auth('admin') })
    ).json() as Page;
    expect(high.alerts.map((a) => a.entity.id).sort()).toEqual(['pager-0', 'pager-2', 'pager-4', 'pager-6']);
    const text = (
      await app.inject({ url: '/api/v1/alerts?q=pager%20alert%205', headers: auth('admin') })
    ).json() as Page;
    expect(text.alerts.map((a) => a.entity.id)).toEqual(['pager-5']);

    const hostile = await app.inject({
      url: `/api/v1/alerts?q=${encodeURIComponent("x' OR 1=1 --")}&entity=${encodeURIComponent("'; DROP TABLE alerts; --")}`,
      headers: auth('admin'),
    });
    expect(hostile.statusCode).toBe(200);
    expect((hostile.json() as Page).alerts).toEqual([]);
    const badQuery = await app.inject({
      url: '/api/v1/alerts?severity=urgent&limit=0',
      headers: auth('admin'),
    });
    expect(badQuery.statusCode).toBe(400);
    expect(JSON.stringify(badQuery.json())).toContain('severity');
    const badCursor = await app.inject({ url: '/api/v1/alerts?cursor=zzz', headers: auth('admin') });
    expect(badCursor.statusCode).toBe(400);
    const count = await vigil.rows<{ n: string }>(
      "SELECT count() AS n FROM {db}.alerts FINAL WHERE detector = 'access.volume'",
    );
    expect(Number(count[0]!.n)).toBe(7);
  });
});

describe('API alert stream', () => {
  it('streams new alerts as Server-Sent Events, filtered, to an authenticated client', async () => {
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    expect((await fetch(`${address}/api/v1/stream`)).status).toBe(401);
    const controller = new AbortController();
    const response = await fetch(`${address}/api/v1/stream?severity=critical`, {
      headers: auth('integration'),
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');

    const clock = new EventClock(Date.parse('2026-03-08T10:00:00Z'), 'sse');
    const high = accessEvent(clock, { principal: 'sse-high', resource_tenant: 'globex', outcome: 'denied' });
    const critical = accessEvent(clock.advance(1000), {
      principal: 'sse-critical',
      resource_tenant: 'globex',
      sensitivity: 'restricted',
    });
    const posted = await app.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: auth('integration'),
      payload: [high, critical],
    });
    expect(posted.statusCode).toBe(202);

    const reader = response.body!.getReader();
    let text = '';
    const deadline = Date.now() + 30_000;
    while (!text.includes('event: alert') && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    const event = text.split('\n\n').find((block) => block.startsWith('event: alert'))!;
    const data = JSON.parse(
      event
        .split('\n')
        .find((l) => l.startsWith('data: '))!
        .slice(6),
    ) as Alert;
    expect(data.entity.id).toBe('sse-critical');
    expect(event).toContain(`id: ${data.alert_id}:1`);
    expect(text).not.toContain('sse-high');
  });
});

describe('API detector configuration', () => {
  it('lists detectors with config and schema, and applies a validated change to the running monitor', async () => {
    expect((await app.inject({ url: '/api/v1/detectors', headers: auth('analyst') })).statusCode).toBe(403);
    const listed = (await app.inject({ url: '/api/v1/detectors', headers: auth('admin') })).json() as {
      detectors: Array<{
        id: string;
        service: string;
        config: Record<string, unknown>;
        schema: { properties: object };
      }>;
    };
    const crossTenant = listed.detectors.find((d) => d.id === 'access.cross_tenant')!;
    expect(crossTenant).toMatchObject({
      service: 'access-monitor',
      config: { enabled: true, allowed_pairs: [] },
    });
    expect(Object.keys(crossTenant.schema.properties)).toEqual(
      expect.arrayContaining(['enabled', 'suppression_minutes', 'allowed_pairs']),
    );

    const invalid = await app.inject({
      method: 'PUT',
      url: '/api/v1/detectors/access.cross_tenant',
      headers: auth('admin'),
      payload: { allowed_pairs: ['acme'] },
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.code).toBe('VGL_ERR_CONFIG_INVALID');
    expect(JSON.stringify(invalid.json().error.details)).toContain(
      'detectors.access.cross_tenant.allowed_pairs.0',
    );
    const unknown = await app.inject({
      method: 'PUT',
      url: '/api/v1/detectors/access.nope',
      headers: auth('admin'),
      payload: {},
    });
    expect(unknown.statusCode).toBe(404);

    const changed = await app.inject({
      method: 'PUT',
      url: '/api/v1/detectors/access.cross_tenant',
      headers: auth('admin'),
      payload: { allowed_pairs: ['acme->partner'] },
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().config).toMatchObject({ allowed_pairs: ['acme->partner'], enabled: true });

    const clock = new EventClock(Date.parse('2026-03-09T10:00:00Z'), 'cfg');
    const sanctioned = accessEvent(clock, { principal: 'cfg-partner', resource_tenant: 'partner' });
    const blocked = accessEvent(clock.advance(1000), { principal: 'cfg-globex', resource_tenant: 'globex' });
    await app.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: auth('integration'),
      payload: [sanctioned, blocked],
    });
    await eventually(async () => {
      const r = (
        await app.inject({ url: '/api/v1/alerts?entity=cfg-globex', headers: auth('admin') })
      ).json() as Page;
      return r.alerts.length > 0;
    });
    const partner = (
      await app.inject({ url: '/api/v1/alerts?entity=cfg-partner', headers: auth('admin') })
    ).json() as Page;
    expect(partner.alerts).toEqual([]);

    // The change is durable: another process (a fresh context on the same topics) sees it.
    const other = await startTestVigil({
      brokers: inject('kafkaBrokers'),
      clickhouse,
      overrides: {
        topics: { ...vigil.config.topics },
        clickhouse: { database: vigil.config.clickhouse.database },
      },
    });
    try {
      const hub = await other.ctx.detectorConfig();
      expect(hub.get('access.cross_tenant')!.config).toMatchObject({ allowed_pairs: ['acme->partner'] });
    } finally {
      await other.close();
    }
  });
});
