/**
 * `vigil run <service>` as a real process on the real broker: it consumes, alerts, and on
 * SIGTERM drains, checkpoints state, commits its offsets and exits 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { partitionKey } from '../../shared/events/keys.ts';
import type { Alert } from '../../shared/events/types.ts';
import { EventClock, accessEvent } from '../harness/events.ts';
import { consumeMessages, readTopic } from '../harness/topics.ts';

const BIN = new URL('../../bin/vigil.mjs', import.meta.url).pathname;
const brokers = inject('kafkaBrokers');
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${seen.slice(-2000)}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ${pattern}:\n${seen.slice(-2000)}`));
    });
  });
}

describe('vigil run', () => {
  it('runs the access-monitor on Kafka; SIGTERM drains, commits and exits 0; a restart resumes without duplicates', async () => {
    const id = randomUUID().slice(0, 8);
    const dir = mkdtempSync(join(tmpdir(), 'vigil-run-'));
    const topics = {
      inference: `r${id}.inf`,
      access: `r${id}.acc`,
      facility: `r${id}.fac`,
      alerts: `r${id}.alerts`,
      dlq: `r${id}.dlq`,
      state_prefix: `r${id}.state.`,
    };
    const configFile = join(dir, 'vigil.yaml');
    writeFileSync(configFile, JSON.stringify({ topics: { ...topics, partitions: 2 } }));
    const kafka = new Kafka({ clientId: 'run-test', brokers: [brokers], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const committed = async (): Promise<number> => {
      const offsets = await admin.fetchOffsets({ groupId: 'vigil-access-monitor', topics: [topics.access] });
      return offsets[0]!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    };
    const start = async () => {
      const child = spawn('node', [BIN, 'run', 'access-monitor'], {
        env: {
          ...process.env,
          KAFKA_BROKERS: brokers,
          VIGIL_CONFIG: configFile,
          VIGIL_DATA_DIR: dir,
          VIGIL_LOG_LEVEL: 'info',
          VIGIL_HTTP_PORT: '0',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await waitForOutput(child, /monitor started/);
      return { child, exited };
    };

    try {
      const first = await start();
      const producer = kafka.producer();
      await producer.connect();
      const clock = new EventClock(Date.parse('2026-03-05T10:00:00Z'), `run${id}`);
      const events = Array.from({ length: 2000 }, (_, i) =>
        accessEvent(
          clock.advance(1000),
          i === 100 ? { principal: 'x-tenant', resource_tenant: 'globex' } : { principal: `svc-${i % 9}` },
        ),
      );
      await producer.send({
        topic: topics.access,
        acks: -1,
        messages: events.map((e) => ({ key: partitionKey(e), value: JSON.stringify(e) })),
      });
      await producer.disconnect();

      const [message] = await consumeMessages(brokers, topics.alerts, 1);
      expect((JSON.parse(message!.value!) as Alert).entity.id).toBe('x-tenant');

      // SIGTERM mid-stream: the batch in flight finishes and is committed, then exit 0.
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      const afterFirst = await committed();
      expect(afterFirst).toBeGreaterThan(100);
      // The changelog holds the partitions' state, written with the offsets.
      const state = await readTopic(brokers, `${topics.state_prefix}access-monitor`);
      const keys = new Set(state.map((r) => r.key));
      expect(keys).toContain('_pipeline/meta|partition');
      expect(keys).toContain('_pipeline/offset|next');
      expect([...keys].some((k) => k?.startsWith('access.cross_tenant/_episodes|principal|x-tenant|'))).toBe(
        true,
      );

      // A restart resumes after the committed offsets and reaches the end …
      const second = await start();
      const deadline = Date.now() + 60_000;
      while ((await committed()) < events.length && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 250));
      expect(await committed()).toBe(events.length);
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);

      // … without raising the alert again: still exactly one message on the alerts topic.
      expect(await readTopic(brokers, topics.alerts)).toHaveLength(1);
    } finally {
      await admin.disconnect();
    }
  }, 150_000);
});
