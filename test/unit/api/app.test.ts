/**
 * The HTTP layer without a store: who may call what (every route × every role, tenant-scoped
 * keys, unknown keys), per-key rate limits, security headers and the closed CORS policy, and
 * how the console is served. Routes that pass the checks reach stub stores.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../services/api/app.ts';
import { consoleBundle } from '../../../services/api/console/bundle.ts';
import { AlertFeed } from '../../../services/api/routes/stream.ts';
import { resolveConfig, type ApiKey, type Role } from '../../../shared/config/index.ts';
import { createLogger } from '../../../shared/log/logger.ts';
import { createMetrics } from '../../../shared/metrics/registry.ts';
import type { DetectorConfigHub } from '../../../shared/runtime/detector-config.ts';
import type { AlertQueries } from '../../../shared/store/alert-queries.ts';
import type { ActionStore } from '../../../shared/store/action-writer.ts';
import type { EventQueries } from '../../../shared/store/event-queries.ts';
import type { ClickHouseClient } from '../../../shared/store/client.ts';

const KEYS: ApiKey[] = [
  { name: 'ada', key: 'admin-key-0001', role: 'admin' },
  { name: 'ana', key: 'analyst-key-0001', role: 'analyst' },
  { name: 'soar', key: 'integration-key-0001', role: 'integration' },
  { name: 'acme-admin', key: 'scoped-admin-key-01', role: 'admin', tenants: ['acme'] },
];
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const ID = 'a'.repeat(32);

/** route → roles allowed (the README's permission matrix). */
const MATRIX: Array<{ method: 'GET' | 'POST' | 'PUT'; url: string; roles: Role[]; body?: unknown }> = [
  { method: 'GET', url: '/api/v1/alerts', roles: ['admin', 'analyst', 'integration'] },
  { method: 'GET', url: `/api/v1/alerts/${ID}`, roles: ['admin', 'analyst', 'integration'] },
  {
    method: 'POST',
    url: `/api/v1/alerts/${ID}/actions`,
    roles: ['admin', 'analyst'],
    body: { action: 'acknowledge' },
  },
  { method: 'GET', url: '/api/v1/overview', roles: ['admin', 'analyst', 'integration'] },
  { method: 'POST', url: '/api/v1/events', roles: ['admin', 'integration'], body: {} },
  { method: 'GET', url: '/api/v1/detectors', roles: ['admin'] },
  { method: 'PUT', url: '/api/v1/detectors/access.cross_tenant', roles: ['admin'], body: {} },
  { method: 'GET', url: '/api/v1/me', roles: ['admin', 'analyst', 'integration'] },
  { method: 'GET', url: '/metrics', roles: ['admin', 'analyst', 'integration'] },
  { method: 'GET', url: '/openapi.json', roles: ['admin', 'analyst', 'integration'] },
];

let app: FastifyInstance;
const logged: string[] = [];

async function build(rateLimit = 1000): Promise<FastifyInstance> {
  const config = resolveConfig({ env: {}, overrides: { api: { rate_limit_per_minute: rateLimit } } });
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logged.push(chunk.toString());
      done();
    },
  });
  const stub = <T>(methods: Record<string, unknown>): T => methods as T;
  return buildApp({
    apiKeys: KEYS,
    api: config.api,
    log: createLogger({ level: 'info' }, sink),
    health: { notReady: () => [], registry: createMetrics({ defaultMetrics: false }).registry },
    ingest: { publish: async () => undefined, reject: async () => undefined },
    alerts: {
      queries: stub<AlertQueries>({
        list: async () => ({ alerts: [], next_cursor: null }),
        get: async () => undefined,
      }),
      actions: stub<ActionStore>({}),
      events: stub<EventQueries>({}),
      client: stub<ClickHouseClient>({
        query: async () => ({ json: async () => [] }),
      }),
      db: 'vigil',
    },
    stream: { feed: new AlertFeed() },
    detectors: stub<DetectorConfigHub>({ list: () => [], get: () => undefined }),
    console: await consoleBundle(),
  });
}

beforeAll(async () => {
  app = await build();
});
afterAll(async () => app?.close());

describe('permission matrix', () => {
  for (const route of MATRIX) {
    it(`${route.method} ${route.url}: ${route.roles.join(', ')}`, async () => {
      const send = (headers: Record<string, string> = {}) =>
        app.inject({
          method: route.method,
          url: route.url,
          headers,
          ...(route.body !== undefined && { payload: route.body as object }),
        });
      expect((await send()).statusCode).toBe(401);
      expect((await send(bearer('not-a-key-at-all'))).statusCode).toBe(401);
      for (const key of KEYS.filter((k) => k.tenants === undefined)) {
        const res = await send(bearer(key.key));
        if (route.roles.includes(key.role))
          expect([200, 202, 400, 404], `${key.role}: ${res.body}`).toContain(res.statusCode);
        else {
          expect(res.statusCode, key.role).toBe(403);
          expect(res.json().error.code).toBe('VGL_ERR_API_FORBIDDEN');
        }
      }
    });
  }

  it('keeps tenant-scoped keys off routes that act on every tenant', async () => {
    const scoped = bearer('scoped-admin-key-01');
    const put = await app.inject({
      method: 'PUT',
      url: '/api/v1/detectors/access.cross_tenant',
      headers: scoped,
      payload: {},
    });
    expect(put.statusCode).toBe(403);
    expect(put.json().error.message).toContain('acme-admin');
    expect((await app.inject({ url: '/api/v1/alerts', headers: scoped })).statusCode).toBe(200);
    const me = await app.inject({ url: '/api/v1/me', headers: scoped });
    expect(me.json()).toEqual({
      name: 'acme-admin',
      role: 'admin',
      tenants: ['acme'],
      can: { triage: true, ingest: true, configure: false },
    });
  });

  it('rejects a forged actor in a triage action', async () => {
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/alerts/${ID}/actions`,
      headers: bearer('analyst-key-0001'),
      payload: { action: 'acknowledge', actor: 'someone-else' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('actor');
  });
});

describe('security headers, CORS and the console', () => {
  it('serves the console with a CSP that allows nothing external, and caches assets by hash', async () => {
    const index = await app.inject({ url: '/' });
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toContain('text/html');
    expect(index.headers['cache-control']).toBe('no-cache');
    const csp = String(index.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/https?:|unsafe-inline|unsafe-eval|\*/);
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect(index.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(index.headers['referrer-policy']).toBe('no-referrer');
    expect(index.body).not.toMatch(/https?:\/\//);
    const again = await app.inject({ url: '/', headers: { 'if-none-match': String(index.headers.etag) } });
    expect(again.statusCode).toBe(304);

    const script = /src="(\/assets\/app-[A-Z0-9]+\.js)"/.exec(index.body)![1]!;
    const js = await app.inject({ url: script, headers: { 'accept-encoding': 'gzip' } });
    expect(js.statusCode).toBe(200);
    expect(js.headers['cache-control']).toContain('immutable');
    expect(js.headers['content-encoding']).toBe('gzip');
    expect((await app.inject({ url: '/assets/nope.js' })).statusCode).toBe(404);
  });

  it('keeps CORS closed: no Access-Control-Allow-* for another origin, preflight included', async () => {
    const origin = { origin: 'https://evil.example' };
    const get = await app.inject({
      url: '/api/v1/alerts',
      headers: { ...origin, ...bearer('admin-key-0001') },
    });
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/api/v1/alerts',
      headers: {
        ...origin,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.statusCode).toBeGreaterThanOrEqual(400);
    expect(Object.keys(preflight.headers).filter((h) => h.startsWith('access-control-allow'))).toEqual([]);
  });
});

describe('rate limits', () => {
  it('limits each key by its name and unknown keys by address, with a catalogue error', async () => {
    const limited = await build(3);
    try {
      const call = (key: string) => limited.inject({ url: '/api/v1/alerts', headers: bearer(key) });
      for (let i = 0; i < 3; i++) expect((await call('analyst-key-0001')).statusCode).toBe(200);
      const over = await call('analyst-key-0001');
      expect(over.statusCode).toBe(429);
      expect(over.json().error.code).toBe('VGL_ERR_API_RATE_LIMITED');
      expect(over.json().error.message).toContain('key "ana"');
      expect(over.headers['retry-after']).toBeDefined();
      // Another key has its own budget.
      expect((await call('admin-key-0001')).statusCode).toBe(200);
      // Guessing keys is limited too, per client address, before the 401.
      const guesses = [];
      for (let i = 0; i < 4; i++) guesses.push((await call(`guess-${i}-xxxxxxxx`)).statusCode);
      expect(guesses).toEqual([401, 401, 401, 429]);
      // Health checks are never limited.
      for (let i = 0; i < 5; i++) expect((await limited.inject({ url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
    expect(logged.join('')).not.toMatch(/analyst-key-0001|admin-key-0001/);
  });
});
