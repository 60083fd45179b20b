/**
 * Syslog/CEF outputs against Debian's rsyslogd on loopback (test/harness/rsyslog.ts): RFC
 * 5424 over TCP with octet counting, over TLS with a CA made for the test, and over UDP.
 * rsyslog parses each message; the test reads what it wrote and parses the CEF back —
 * header with `\|` escapes, extension with `\=` escapes — checking every alert arrived, and
 * that alerts sent while the TCP receiver was down arrive once it is back.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { alertSink } from '../../services/alert-sink/index.ts';
import type { Alert } from '../../shared/events/types.ts';
import { makeAlerts, publishAlerts } from '../harness/alerts.ts';
import { startClickHouse, type RunningClickHouse } from '../harness/clickhouse.ts';
import { startRsyslog, type RunningRsyslog, type ReceivedSyslog } from '../harness/rsyslog.ts';
import { eventually, startTestVigil, type TestVigil } from '../harness/vigil.ts';

let tcp: RunningRsyslog;
let tls: RunningRsyslog;
let udp: RunningRsyslog;
let clickhouse: RunningClickHouse;
let vigil: TestVigil;

const fast = {
  retry_initial_ms: 100,
  retry_max_ms: 1000,
  breaker_failures: 3,
  breaker_open_ms: 300,
  breaker_open_max_ms: 1000,
};

beforeAll(async () => {
  [tcp, tls, udp] = await Promise.all([startRsyslog('tcp'), startRsyslog('tls'), startRsyslog('udp')]);
  clickhouse = await startClickHouse();
  const common = { host: '127.0.0.1', format: 'cef', hostname: 'vigil-test', delivery: fast };
  vigil = await startTestVigil({
    brokers: inject('kafkaBrokers'),
    clickhouse,
    overrides: {
      syslog: [
        { ...common, name: 'qradar', port: tcp.port, transport: 'tcp' },
        { ...common, name: 'arcsight', port: tls.port, transport: 'tls', tls: { ca_file: tls.caFile } },
        { ...common, name: 'sentinel', port: udp.port, transport: 'udp', min_severity: 'high' },
      ],
    },
  });
  await vigil.start(alertSink);
}, 180_000);

afterAll(async () => {
  await vigil?.close();
  await clickhouse?.stop();
  await Promise.all([tcp?.close(), tls?.close(), udp?.close()]);
});

interface Cef {
  header: string[];
  extension: Record<string, string>;
}

/** Splits on unescaped `|`, then reads `key=value` pairs, undoing CEF's escapes. */
function parseCef(text: string): Cef {
  const parts: string[] = [];
  let current = '';
  let i = 0;
  for (; i < text.length && parts.length < 7; i++) {
    const c = text[i]!;
    if (c === '\\' && (text[i + 1] === '|' || text[i + 1] === '\\')) current += text[++i];
    else if (c === '|') {
      parts.push(current);
      current = '';
    } else current += c;
  }
  const extension: Record<string, string> = {};
  const ext = text.slice(i);
  const keys = [...ext.matchAll(/(?:^| )([A-Za-z0-9_]+)=/g)];
  keys.forEach((m, k) => {
    const start = m.index! + m[0].length;
    const end = k + 1 < keys.length ? keys[k + 1]!.index! : ext.length;
    extension[m[1]!] = ext
      .slice(start, end)
      .replace(/\\(.)/g, (_s, ch: string) => (ch === 'n' ? '\n' : ch === 'r' ? '\r' : ch));
  });
  return { header: parts, extension };
}

function byAlert(received: ReceivedSyslog[]): Map<string, { line: ReceivedSyslog; cef: Cef }> {
  return new Map(
    received.map((line) => {
      const cef = parseCef(line.msg.trimStart());
      return [cef.extension['externalId']!, { line, cef }];
    }),
  );
}

describe('syslog CEF outputs', () => {
  it('delivers RFC 5424 + CEF over TCP, TLS and UDP, parsed back exactly', async () => {
    const alerts = makeAlerts(30, 'sys', { description: 'read 9 GB = 40× baseline\nsecond line' });
    await publishAlerts(vigil, alerts);
    const check = (r: RunningRsyslog, expected: Alert[]) =>
      eventually(async () => {
        const got = byAlert(r.received());
        return expected.every((a) => got.has(a.alert_id)) ? got : undefined;
      }, 60_000);
    const [overTcp, overTls, overUdp] = await Promise.all([
      check(tcp, alerts),
      check(tls, alerts),
      check(
        udp,
        alerts.filter((a) => a.severity === 'high' || a.severity === 'critical'),
      ),
    ]);
    expect(overUdp.size).toBe(
      alerts.filter((a) => a.severity === 'high' || a.severity === 'critical').length,
    );
    for (const got of [overTcp, overTls]) {
      const a = alerts[3]!;
      const { line, cef } = got.get(a.alert_id)!;
      expect(line).toMatchObject({ version: '1', host: 'vigil-test', app: 'vigil', msgid: a.detector });
      expect(Number(line.pri)).toBe(10 * 8 + 2); // facility 10, critical → 2
      expect(cef.header).toEqual([
        'CEF:0',
        'Vigil',
        'Vigil',
        expect.stringMatching(/^\d+\.\d+\.\d+$/),
        a.detector,
        a.title,
        '10',
      ]);
      expect(cef.extension).toMatchObject({
        externalId: a.alert_id,
        cnt: '1',
        suser: a.entity.id,
        cs5: `${a.alert_id}:1`,
        msg: a.description,
        cat: a.category,
      });
    }
  });

  it('delivers what came while the TCP receiver was down once it is back', async () => {
    await tcp.stop();
    const late = makeAlerts(10, 'late');
    await publishAlerts(vigil, late);
    await new Promise((r) => setTimeout(r, 2000));
    await tcp.restart();
    await eventually(async () => {
      const got = byAlert(tcp.received());
      return late.every((a) => got.has(a.alert_id));
    }, 60_000);
  });
});
