/**
 * Hot reload on the real broker: `vigil run access-monitor` as a spawned process; its config
 * file is rewritten under it. A valid change (a skip_alert rule) applies while it runs —
 * the rule suppresses an alert and /metrics counts it per rule; an invalid change is refused
 * with every problem in the log, and the old rule keeps applying.
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
import { freePorts } from '../harness/ports.ts';
import { consumeMessages, createTestTopics, readTopic } from '../harness/topics.ts';
import { eventually } from '../harness/vigil.ts';

const BIN = new URL('../../bin/vigil.mjs', import.meta.url).pathname;
const brokers = inject('kafkaBrokers');
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('config hot reload under vigil run', () => {
  it('applies a valid rule change while running and refuses an invalid one', async () => {
    const id = randomUUID().slice(0, 8);
    const dir = mkdtempSync(join(tmpdir(), 'vigil-reload-'));
    const topics = {
      inference: `h${id}.inf`,
      access: `h${id}.acc`,
      facility: `h${id}.fac`,
      alerts: `h${id}.alerts`,
      dlq: `h${id}.dlq`,
      state_prefix: `h${id}.state.`,
      partitions: 2,
    };
    const file = join(dir, 'vigil.yaml');
    const write = (extra: Record<string, unknown>): void =>
      writeFileSync(file, JSON.stringify({ topics, ...extra }));
    write({});
    const kafka = new Kafka({ clientId: 'reload-test', brokers: [brokers], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    // On a fresh broker the group coordinator loads for a moment after the first join; a
    // group of our own waits that out before the process under test starts its groups.
    const [warmup] = await createTestTopics(brokers, ['warmup'], { partitions: 1 });
    await producer.send({ topic: warmup!, messages: [{ value: 'x' }] });
    await consumeMessages(brokers, warmup!, 1, 60_000);
    const [port] = await freePorts(1);
    const child = spawn('node', [BIN, 'run', 'access-monitor'], {
      env: {
        ...process.env,
        KAFKA_BROKERS: brokers,
        VIGIL_CONFIG: file,
        VIGIL_DATA_DIR: dir,
        VIGIL_LOG_LEVEL: 'info',
        VIGIL_HTTP_PORT: String(port),
        VIGIL_API_KEYS: 'reload-test-key:admin',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const seen = (pattern: RegExp, timeoutMs = 60_000) =>
      eventually(async () => pattern.test(output), timeoutMs).catch((err: Error) => {
        throw new Error(`${err.message}: ${pattern}\n${output.slice(-3000)}`);
      });

    const clock = new EventClock(Date.parse('2026-03-05T10:00:00Z'), `hr${id}`);
    const send = async (...principals: string[]) => {
      const events = principals.map((p) =>
        accessEvent(clock.advance(60_000), { principal: p, resource_tenant: 'globex' }),
      );
      await producer.send({
        topic: topics.access,
        acks: -1,
        messages: events.map((e) => ({ key: partitionKey(e), value: JSON.stringify(e) })),
      });
    };
    const alertedEntities = async (): Promise<string[]> =>
      (await readTopic(brokers, topics.alerts)).map((m) => (JSON.parse(m.value!) as Alert).entity.id).sort();
    const suppressed = async (): Promise<number> => {
      const headers = { authorization: 'Bearer reload-test-key' };
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { headers })).text();
      const line = text
        .split('\n')
        .find((l) => l.startsWith('vigil_alerts_suppressed_total{') && l.includes('rule="quiet-jobs"'));
      return line === undefined ? 0 : Number(line.split(' ').pop());
    };

    try {
      await seen(/monitor started/);
      await seen(/watching the config file/);
      await send('alpha');
      await eventually(async () => (await alertedEntities()).includes('alpha'));

      write({
        rules: [
          {
            id: 'quiet-jobs',
            reason: 'batch jobs of the shared tenant read globex data by contract',
            effect: 'skip_alert',
            match: {
              detectors: ['access.cross_tenant'],
              entity: { type: 'principal', id: { prefix: 'job-' } },
            },
          },
        ],
      });
      await seen(/config reloaded/);
      await send('job-1', 'beta');
      await eventually(async () => (await suppressed()) === 1);
      await eventually(async () => (await alertedEntities()).includes('beta'));
      expect(await alertedEntities()).toEqual(['alpha', 'beta']);

      // Invalid: an unknown key and a bad regex; every problem is logged, the rule stays.
      write({
        rules: [
          {
            id: 'quiet-jobs',
            reason: 'x',
            effect: 'skip_alert',
            match: { entity: { id: { regex: '(' } } },
            colour: 1,
          },
        ],
      });
      await seen(/config file changed but is invalid \(2 problems\)/);
      expect(output).toContain('file.rules.0: Unrecognized key: \\"colour\\"');
      expect(output).toContain('file.rules.0.match.entity.id.regex: not a valid regular expression');
      await send('job-2', 'gamma');
      await eventually(async () => (await suppressed()) === 2);
      await eventually(async () => (await alertedEntities()).includes('gamma'));
      expect(await alertedEntities()).toEqual(['alpha', 'beta', 'gamma']);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      await producer.disconnect();
    }
  }, 150_000);
});
