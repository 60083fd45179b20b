/**
 * Alert-sink outputs on a real broker. Two measurements, printed as JSON:
 *
 * 1. Delivered alerts per second, per output: N alerts are produced to the alerts topic
 *    first (not timed); then a sink with that one output (plus ClickHouse, which every sink
 *    has) starts, and the clock runs until the output's delivered counter reaches N. Webhook
 *    receivers are a minimal in-process HTTP server; syslog goes to Debian's rsyslogd (TCP,
 *    TLS) and to a UDP port, so the numbers are the sink's, on a machine the broker, chdb and
 *    the receivers share.
 * 2. Memory during a one-hour-equivalent outage: a signed json webhook whose receiver is down
 *    while `--outage-alerts` alerts (default 36,000: 10 alerts/s for an hour) arrive; RSS and
 *    heap are sampled while the sink holds them, then the receiver comes back and the time to
 *    deliver every one of them (distinct webhook-ids) is measured.
 *
 *   npm run bench:outputs [-- --alerts 20000] [-- --outage-alerts 36000] [-- --only json,syslog_tcp]
 *                         [-- --concurrency 4]   (requests in flight for json and ocsf)
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { alertSink } from '../../../services/alert-sink/index.ts';
import { makeAlerts, publishAlerts } from '../../harness/alerts.ts';
import { startClickHouse } from '../../harness/clickhouse.ts';
import { startKafka } from '../../harness/kafka.ts';
import { startRsyslog, type RunningRsyslog } from '../../harness/rsyslog.ts';
import { consumeMessages, createTestTopics } from '../../harness/topics.ts';
import { startTestVigil, type TestVigil } from '../../harness/vigil.ts';
import { machine } from '../machine.ts';
import { BenchHttpReceiver } from './receivers.ts';

const { values } = parseArgs({
  options: {
    alerts: { type: 'string', default: '20000' },
    'outage-alerts': { type: 'string', default: '36000' },
    'outage-seconds': { type: 'string', default: '30' },
    only: { type: 'string' },
    concurrency: { type: 'string', default: '4' },
  },
});
const N = Number(values.alerts);
const OUTAGE_N = Number(values['outage-alerts']);
const delivery = { concurrency: Number(values.concurrency) };
const secret = `whsec_${randomBytes(32).toString('base64')}`;

const kafka = await startKafka();
// A fresh broker answers the first group joins with GROUP_LOAD_IN_PROGRESS while it loads
// __consumer_offsets; join once here, retrying, so the timed runs start on a settled broker.
const [warmTopic] = await createTestTopics(kafka.brokers, ['bench-warmup'], { partitions: 1 });
for (let attempt = 1; ; attempt++) {
  try {
    await consumeMessages(kafka.brokers, warmTopic!, 0, 15_000);
    break;
  } catch (err) {
    if (attempt >= 10) throw err;
    await new Promise((r) => setTimeout(r, 1000));
  }
}
const clickhouse = await startClickHouse();
const http = new BenchHttpReceiver();
await http.start();
const rsyslog: Record<string, RunningRsyslog> = {
  tcp: await startRsyslog('tcp'),
  tls: await startRsyslog('tls'),
  udp: await startRsyslog('udp'),
};

type Spec = { output: string; overrides: Record<string, unknown> };
const url = (path: string) => `http://127.0.0.1:${http.port}${path}`;
const syslog = (t: 'tcp' | 'tls' | 'udp') => ({
  syslog: [
    {
      name: t,
      host: '127.0.0.1',
      port: rsyslog[t]!.port,
      transport: t,
      ...(t === 'tls' && { tls: { ca_file: rsyslog[t]!.caFile } }),
    },
  ],
});
const specs: Record<string, Spec> = {
  json: {
    output: 'webhook-b',
    overrides: { webhooks: [{ name: 'b', url: url('/json'), format: 'json', secret, delivery }] },
  },
  ocsf: {
    output: 'webhook-b',
    overrides: { webhooks: [{ name: 'b', url: url('/ocsf'), format: 'ocsf', secret, delivery }] },
  },
  ecs: {
    output: 'webhook-b',
    overrides: { webhooks: [{ name: 'b', url: url('/es/_bulk'), format: 'ecs', secret }] },
  },
  splunk_hec: {
    output: 'webhook-b',
    overrides: {
      webhooks: [{ name: 'b', url: url('/services/collector/event'), format: 'splunk_hec', token: 't' }],
    },
  },
  syslog_tcp: { output: 'syslog-tcp', overrides: syslog('tcp') },
  syslog_tls: { output: 'syslog-tls', overrides: syslog('tls') },
  syslog_udp: { output: 'syslog-udp', overrides: syslog('udp') },
};
const only = values.only?.split(',');

async function counter(vigil: TestVigil, output: string): Promise<number> {
  const metric = await vigil.ctx.metrics.outputAlerts.get();
  return metric.values
    .filter((v) => v.labels['output'] === output && v.labels['outcome'] === 'delivered')
    .reduce((s, v) => s + v.value, 0);
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('benchmark timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const perOutput: Record<
  string,
  { alerts: number; seconds: number; alerts_per_s: number; clickhouse_alerts_per_s: number }
> = {};
for (const [name, spec] of Object.entries(specs)) {
  if (only !== undefined && !only.includes(name)) continue;
  const vigil = await startTestVigil({ brokers: kafka.brokers, clickhouse, overrides: spec.overrides });
  try {
    for (let i = 0; i < N; i += 5000)
      await publishAlerts(vigil, makeAlerts(Math.min(5000, N - i), `${name}${i}`));
    const start = process.hrtime.bigint();
    await vigil.start(alertSink);
    let chSeconds = 0;
    await until(async () => {
      if (chSeconds === 0 && (await counter(vigil, 'clickhouse')) >= N)
        chSeconds = Number(process.hrtime.bigint() - start) / 1e9;
      return (await counter(vigil, spec.output)) >= N;
    }, 600_000);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    await until(async () => (await counter(vigil, 'clickhouse')) >= N, 600_000);
    chSeconds ||= Number(process.hrtime.bigint() - start) / 1e9;
    perOutput[name] = {
      alerts: N,
      seconds: Math.round(seconds * 100) / 100,
      alerts_per_s: Math.round(N / seconds),
      clickhouse_alerts_per_s: Math.round(N / chSeconds),
    };
  } finally {
    await vigil.close();
  }
}

let outage: Record<string, unknown> | undefined;
if (only === undefined || only.includes('outage')) {
  const vigil = await startTestVigil({
    brokers: kafka.brokers,
    clickhouse,
    overrides: {
      webhooks: [
        {
          name: 'down',
          url: url('/json'),
          format: 'json',
          secret,
          delivery: { retry_max_ms: 2000, breaker_open_ms: 1000, breaker_open_max_ms: 2000 },
        },
      ],
    },
  });
  try {
    await vigil.start(alertSink);
    global.gc?.();
    const baseline = process.memoryUsage();
    await http.stop();
    http.ids.clear();
    for (let i = 0; i < OUTAGE_N; i += 5000)
      await publishAlerts(vigil, makeAlerts(Math.min(5000, OUTAGE_N - i), `out${i}`));
    let maxRss = 0;
    let maxHeap = 0;
    const holdUntil = Date.now() + Number(values['outage-seconds']) * 1000;
    while (Date.now() < holdUntil) {
      const m = process.memoryUsage();
      maxRss = Math.max(maxRss, m.rss);
      maxHeap = Math.max(maxHeap, m.heapUsed);
      await new Promise((r) => setTimeout(r, 250));
    }
    const deliveredDuringOutage = await counter(vigil, 'webhook-down');
    const back = process.hrtime.bigint();
    await http.start();
    await until(async () => http.ids.size >= OUTAGE_N, 900_000);
    const catchUp = Number(process.hrtime.bigint() - back) / 1e9;
    const mib = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;
    outage = {
      alerts_during_outage: OUTAGE_N,
      outage_held_seconds: Number(values['outage-seconds']),
      delivered_while_down: deliveredDuringOutage,
      rss_mib: { before: mib(baseline.rss), max_during: mib(maxRss) },
      heap_used_mib: { before: mib(baseline.heapUsed), max_during: mib(maxHeap) },
      catch_up_seconds: Math.round(catchUp * 100) / 100,
      catch_up_alerts_per_s: Math.round(OUTAGE_N / catchUp),
      distinct_delivered_after: http.ids.size,
    };
  } finally {
    await vigil.close();
  }
}

console.log(
  JSON.stringify(
    {
      bench: 'alert-sink-outputs',
      unit: 'alerts/s delivered (acknowledged by the receiver, or written to the syslog socket)',
      per_output: perOutput,
      outage,
      load_average: loadavg().map((l) => Math.round(l * 100) / 100),
      machine: machine(),
    },
    null,
    2,
  ),
);
await http.stop();
for (const r of Object.values(rsyslog)) await r.close();
await clickhouse.stop();
await kafka.stop();
