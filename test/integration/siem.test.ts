/**
 * SIEM webhooks fed by the alert sink from the real alerts topic: OCSF with an HMAC
 * signature and a severity floor, Splunk HEC with its token header; a receiver that is
 * down (503) gets the same alerts again once it is back, and nothing is committed before.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessMonitor } from '../../services/access-monitor/index.ts';
import { alertSink } from '../../services/alert-sink/index.ts';
import { partitionKey } from '../../shared/events/keys.ts';
import { startClickHouse, type RunningClickHouse } from '../harness/clickhouse.ts';
import { EventClock, accessEvent } from '../harness/events.ts';
import { eventually, startTestVigil, type TestVigil } from '../harness/vigil.ts';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

let server: Server;
let clickhouse: RunningClickHouse;
let vigil: TestVigil;
const received: Received[] = [];
let ocsfFailuresLeft = 2;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const status = req.url === '/ocsf' && ocsfFailuresLeft-- > 0 ? 503 : 200;
      received.push({ path: req.url ?? '', headers: req.headers, body, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  clickhouse = await startClickHouse();
  vigil = await startTestVigil({
    brokers: inject('kafkaBrokers'),
    clickhouse,
    overrides: {
      webhooks: [
        {
          name: 'soc',
          url: `${base}/ocsf`,
          format: 'ocsf',
          hmac_secret: 'hmac-test-secret',
          min_severity: 'critical',
        },
        {
          name: 'splunk',
          url: `${base}/hec`,
          format: 'splunk_hec',
          headers: { authorization: 'Splunk hec-token' },
        },
      ],
    },
  });
  await vigil.start(alertSink);
  await vigil.start(accessMonitor);
});

afterAll(async () => {
  await vigil?.close();
  await clickhouse?.stop();
  server?.close();
});

describe('SIEM webhooks', () => {
  it('delivers OCSF and Splunk HEC, signs, filters by severity, and retries a receiver that was down', async () => {
    const clock = new EventClock(Date.parse('2026-03-07T12:00:00Z'), 'siem');
    const critical = accessEvent(clock, {
      principal: 'exfil-bot',
      resource_tenant: 'globex',
      sensitivity: 'restricted',
    });
    const high = accessEvent(clock.advance(1000), {
      principal: 'prober',
      resource_tenant: 'globex',
      outcome: 'denied',
    });
    const publisher = await vigil.ctx.bus.publisher();
    await publisher.publish(
      vigil.ctx.topics.access,
      [critical, high].map((e) => ({ key: partitionKey(e), value: JSON.stringify(e) })),
    );

    const ocsf = await eventually(async () => received.find((r) => r.path === '/ocsf' && r.status === 200));
    const findings = JSON.parse(ocsf.body) as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      class_uid: 2004,
      type_uid: 200401,
      severity_id: 5,
      finding_info: { analytic: { uid: 'access.cross_tenant' }, types: ['access'] },
      resources: [{ uid: 'exfil-bot', type: 'principal' }],
    });
    const expected = createHmac('sha256', 'hmac-test-secret').update(ocsf.body).digest('hex');
    expect(ocsf.headers['x-vigil-signature']).toBe(`sha256=${expected}`);
    const failed = received.filter((r) => r.path === '/ocsf' && r.status === 503);
    expect(failed).toHaveLength(2);
    for (const f of failed)
      expect(JSON.parse(f.body)[0].finding_info.uid).toBe(findings[0]!.finding_info.uid);

    const hec = await eventually(async () => {
      const lines = received
        .filter((r) => r.path === '/hec')
        .flatMap((r) =>
          r.body
            .split('\n')
            .map((l) => JSON.parse(l) as { sourcetype: string; event: { entity: { id: string } } }),
        );
      return lines.length >= 2 ? lines : undefined;
    });
    // Delivery is at-least-once: receivers deduplicate on alert_id, so compare distinct alerts.
    expect([...new Set(hec.map((l) => l.event.entity.id))].sort()).toEqual(['exfil-bot', 'prober']);
    expect(hec.every((l) => l.sourcetype === 'vigil:alert')).toBe(true);
    expect(received.find((r) => r.path === '/hec')!.headers['authorization']).toBe('Splunk hec-token');
    expect(received.filter((r) => r.path === '/ocsf' && r.body.includes('prober'))).toEqual([]);
  });
});
