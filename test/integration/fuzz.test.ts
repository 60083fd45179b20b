/**
 * 100,000 malformed and adversarial messages interleaved with valid ones, through the
 * real broker into the three monitors as one process: no crash, every bad record
 * dead-lettered with a reason that names the field (or the message), every valid event
 * processed — counted exactly, from the dead-letter topic and the process's own /metrics.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import type { DeadLetter } from '../../shared/pipeline/dead-letter.ts';
import { Rng } from '../../shared/simulate/rng.ts';
import { readTopic } from '../harness/topics.ts';
import { eventually } from '../harness/vigil.ts';
import { spawnVigil } from '../harness/vigil-process.ts';
import {
  committedSum,
  kafkaClient,
  testTopics,
  writeConfig,
  type TestTopics,
} from '../harness/world-stream.ts';

const brokers = inject('kafkaBrokers');
const TOTAL = 100_000;
const KEY = 'fuzz-admin-key-0123';
const T0 = Date.parse('2026-03-01T00:00:00Z');

type Kind = 'inference' | 'access' | 'facility';
interface Generated {
  topic: Kind;
  key: string;
  value: Buffer | null;
  /** Valid events and dead-letter records this message must give. */
  valid: number;
  invalid: number;
}

/** Message generator with its expected outcome; `now` is the event time of valid events. */
class Fuzzer {
  private readonly random = new Rng(20261203);
  private readonly rng = {
    /** Uniform integer in [lo, hi]. */
    int: (lo: number, hi: number): number => lo + this.random.int(hi - lo + 1),
    bytes: (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => this.random.int(256))),
  };
  private now = T0;
  private seq = 0;
  private readonly recent: Generated[] = [];

  private event(kind: Kind, overrides: Record<string, unknown> = {}): Record<string, unknown> {
    this.now += 1000;
    const id = `fz-${++this.seq}`;
    const n = this.rng.int(0, 40);
    const base = { event_id: id, ts: this.now, tenant: `t${n % 3}` };
    if (kind === 'inference')
      return {
        type: 'inference',
        ...base,
        model_id: `m${n % 7}`,
        principal: `p${n}`,
        latency_ms: 20 + n,
        status: 'ok',
        ...overrides,
      };
    if (kind === 'access')
      return {
        type: 'access',
        ...base,
        principal: `p${n}`,
        action: 'read',
        resource: `ds/${n}`,
        outcome: 'allowed',
        bytes: n * 10,
        ...overrides,
      };
    return {
      type: 'facility',
      ...base,
      site: `s${n % 2}`,
      zone: `z${n % 5}`,
      kind: 'ups',
      device_id: `u${n}`,
      metrics: { load_pct: 40 + (n % 9) },
      ...overrides,
    };
  }

  private keyOf(e: Record<string, unknown>): string {
    if (e['type'] === 'inference') return String(e['model_id']);
    if (e['type'] === 'access') return String(e['principal']);
    return `${String(e['site'])}/${String(e['zone'])}`;
  }

  private ok(kind: Kind, e: Record<string, unknown>): Generated {
    const g = {
      topic: kind,
      key: this.keyOf(e),
      value: Buffer.from(JSON.stringify(e)),
      valid: 1,
      invalid: 0,
    };
    this.recent.push(g);
    if (this.recent.length > 10) this.recent.shift();
    return g;
  }

  private bad(kind: Kind, value: Buffer | string | null, invalid = 1): Generated {
    const v = value === null ? null : typeof value === 'string' ? Buffer.from(value) : value;
    return { topic: kind, key: `k${this.rng.int(0, 50)}`, value: v, valid: 0, invalid };
  }

  next(warmup: boolean): Generated {
    const kinds: Kind[] = ['inference', 'access', 'facility'];
    const kind = kinds[this.rng.int(0, 2)]!;
    if (warmup) return this.ok(kind, this.event(kind));
    const e = this.event(kind);
    // Huge arrays are rare (each is ~200 KB); every other kind is about 1 in 16.
    if (this.rng.int(0, 999) === 0) {
      const items = Array.from({ length: 1100 }, () => this.event(kind));
      return this.bad(kind, JSON.stringify(items));
    }
    switch (this.rng.int(0, 15)) {
      case 0:
        return this.bad(kind, this.rng.bytes(this.rng.int(1, 300)));
      case 1:
        return this.bad(kind, JSON.stringify(e).slice(0, 25));
      case 2:
        return this.bad(kind, `${'['.repeat(3000)}${']'.repeat(3000)}`);
      case 3: {
        let nested = '{"type":"access"}';
        for (let i = 0; i < 2000; i++) nested = `{"a":${nested}}`;
        return this.bad(kind, nested);
      }
      case 4:
        return this.bad(kind, JSON.stringify({ ...e, tenant: 'x'.repeat(5000) }));
      case 5:
        return this.bad(kind, JSON.stringify(e).replace('{', '{"__proto__":{"polluted":true},'));
      case 6:
        return this.bad(kind, JSON.stringify(e).replace(/"ts":\d+/, '"ts":NaN'));
      case 7:
        return this.bad(kind, JSON.stringify({ ...e, ts: 'Infinity' }));
      case 8:
        return this.bad(kind, JSON.stringify({ ...e, event_id: 42 }));
      case 9:
        // Far in the future: dead-lettered before it can move event time.
        return this.bad(kind, JSON.stringify({ ...e, ts: Date.parse('2099-06-01T00:00:00Z') }));
      case 10:
        // Far behind the partition's event time: late.
        return this.bad(kind, JSON.stringify({ ...e, ts: Date.parse('2001-01-01T00:00:00Z') }));
      case 11: {
        // An array of three events, the middle one broken: two valid, one dead letter.
        const items = [this.event(kind), { ...this.event(kind), type: 'nope' }, this.event(kind)];
        return {
          topic: kind,
          key: this.keyOf(items[0]!),
          value: Buffer.from(JSON.stringify(items)),
          valid: 2,
          invalid: 1,
        };
      }
      case 12: {
        // A duplicate of a recent valid message (a producer retry): processed again.
        const again = this.recent[this.rng.int(0, this.recent.length - 1)];
        return again === undefined ? this.ok(kind, e) : { ...again };
      }
      case 13:
        return this.bad(kind, null);
      case 14: {
        // A valid event on the wrong topic.
        const other = kinds[(kinds.indexOf(kind) + 1) % 3]!;
        return { ...this.ok(kind, e), topic: other, valid: 0, invalid: 1 };
      }
      default:
        return this.ok(kind, e);
    }
  }
}

async function produce(topics: TestTopics, messages: readonly Generated[]): Promise<void> {
  const producer = kafkaClient(brokers).producer();
  await producer.connect();
  try {
    // Requests stay under the broker's 1 MiB record-batch limit (some messages are large).
    let batch: Generated[] = [];
    let bytes = 0;
    const flush = async (): Promise<void> => {
      const byTopic = new Map<string, { key: string; value: Buffer | null }[]>();
      for (const m of batch) {
        const topic = topics[m.topic];
        let list = byTopic.get(topic);
        if (list === undefined) byTopic.set(topic, (list = []));
        list.push({ key: m.key, value: m.value });
      }
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, ms]) => ({ topic, messages: ms })),
      });
      batch = [];
      bytes = 0;
    };
    for (const m of messages) {
      const size = (m.value?.length ?? 0) + m.key.length + 64;
      if (bytes + size > 600_000 && batch.length > 0) await flush();
      batch.push(m);
      bytes += size;
    }
    if (batch.length > 0) await flush();
  } finally {
    await producer.disconnect();
  }
}

describe('fuzzing the monitors on the real broker', () => {
  it('dead-letters every bad record with a reason and processes every valid event', async () => {
    const fuzz = new Fuzzer();
    const messages = Array.from({ length: TOTAL }, (_, i) => fuzz.next(i < 3000));
    const valid = messages.reduce((n, m) => n + m.valid, 0);
    const invalid = messages.reduce((n, m) => n + m.invalid, 0);
    expect(invalid).toBeGreaterThan(30_000);

    const topics = testTopics(randomUUID().slice(0, 8));
    const { dir, file } = writeConfig(topics);
    const env = {
      KAFKA_BROKERS: brokers,
      VIGIL_CONFIG: file,
      VIGIL_DATA_DIR: dir,
      VIGIL_LOG_LEVEL: 'info',
      VIGIL_API_KEYS: `${KEY}:admin`,
    };
    const proc = spawnVigil(['run', 'inference-monitor,access-monitor,facility-monitor'], env);
    await proc.waitFor(/health endpoint listening/);
    const address = /"address":"(http:\/\/[^"]+)"/.exec(proc.output())![1]!;
    await produce(topics, messages);

    const admin = kafkaClient(brokers).admin();
    await admin.connect();
    try {
      const perTopic = (k: Kind) => messages.filter((m) => m.topic === k).length;
      await eventually(async () => {
        for (const k of ['inference', 'access', 'facility'] as const) {
          if ((await committedSum(admin, `vigil-${k}-monitor`, topics[k])) !== perTopic(k)) return false;
        }
        return true;
      }, 240_000);
    } finally {
      await admin.disconnect();
    }
    expect(proc.child.exitCode).toBeNull();

    const metrics = await (
      await fetch(`${address}/metrics`, { headers: { authorization: `Bearer ${KEY}` } })
    ).text();
    const sum = (name: string) =>
      [...metrics.matchAll(new RegExp(`^${name}\\{[^}]*\\} (\\d+)`, 'gm'))].reduce(
        (n, m) => n + Number(m[1]),
        0,
      );
    expect(sum('vigil_events_in_total')).toBe(valid);
    expect(sum('vigil_events_invalid_total') + sum('vigil_events_late_total')).toBe(invalid);

    const letters = await readTopic(brokers, topics.dlq);
    expect(letters).toHaveLength(invalid);
    const reasons = letters.map((l) => (JSON.parse(l.value!) as DeadLetter).reason);
    for (const reason of reasons) expect(reason).toMatch(/^(\[\d+\] )?[a-z_.[\]0-9]+: \S/);
    expect(reasons.some((r) => r.startsWith('late:'))).toBe(true);
    expect(reasons.some((r) => r.includes('forbidden key'))).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();

    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
  }, 400_000);
});
