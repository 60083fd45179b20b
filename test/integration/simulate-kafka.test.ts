import { PassThrough } from 'node:stream';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, inject, it } from 'vitest';
import { simulateCommand } from '../../services/cli/commands/simulate.ts';
import { partitionKey } from '../../shared/events/keys.ts';
import { simulate } from '../../shared/simulate/simulate.ts';
import { validateEvent } from '../../shared/events/validate.ts';

describe('vigil simulate --kafka', () => {
  it('delivers every event to its §2 topic with its §2 key', async () => {
    const brokers = inject('kafkaBrokers');
    const args = [
      '--seed',
      '31',
      '--days',
      '0.1',
      '--scenarios',
      'denied-burst',
      '--set',
      'denied-burst.start=+1h',
      '--kafka',
      '--brokers',
      brokers,
      '--rate',
      '0',
    ];
    const expected = [
      ...simulate({ seed: 31, days: 0.1, scenarios: [{ name: 'denied-burst', start: '+1h' }] }).events,
    ];
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (d: Buffer) => (out += d.toString()));
    expect(await simulateCommand.run(args, { stdout, stderr: new PassThrough() })).toBe(0);
    expect(out).toContain(`simulate: ${expected.length} events`);

    const kafka = new Kafka({
      clientId: 'simulate-test',
      brokers: brokers.split(','),
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({ groupId: `simulate-test-${Date.now()}` });
    await consumer.connect();
    await consumer.subscribe({
      topics: ['vigil.inference', 'vigil.access', 'vigil.facility'],
      fromBeginning: true,
    });
    const seen = new Map<string, { topic: string; key: string }>();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`only ${seen.size} of ${expected.length} events arrived`)),
        60_000,
      );
      void consumer.run({
        eachMessage: async ({ topic, message }) => {
          const v = validateEvent(JSON.parse(message.value?.toString() ?? 'null'));
          if (v.ok && v.event.event_id.startsWith('e'))
            seen.set(v.event.event_id, { topic, key: message.key?.toString() ?? '' });
          if (expected.every((e) => seen.has(e.event_id))) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await consumer.disconnect();
    for (const e of expected) {
      expect(seen.get(e.event_id)).toEqual({ topic: `vigil.${e.type}`, key: partitionKey(e) });
    }
  });
});
