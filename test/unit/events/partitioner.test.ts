import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey } from '../../../shared/events/partitioner.ts';

// kafkajs' murmur2 is a port of the Java client's; ours must agree with it so a key lands
// on the same partition in the embedded bus and on Kafka.
const kafkajsMurmur2 = createRequire(import.meta.url)(
  'kafkajs/src/producer/partitioners/default/murmur2.js',
) as (key: Buffer | string) => number;

describe('partitioner', () => {
  it('matches the Java/kafkajs murmur2 for keys of every length mod 4', () => {
    const keys = [
      '',
      'a',
      'ab',
      'abc',
      'abcd',
      'model-gpt-4o',
      'dc1/zoneA',
      'principal:svc-etl',
      'ünïcødé',
      'x'.repeat(257),
    ];
    for (let i = 0; i < 200; i++) keys.push(`key-${i}-${(i * 7919).toString(36)}`);
    for (const key of keys) expect(murmur2(key)).toBe(kafkajsMurmur2(key));
  });

  it('maps keys into [0, partitions)', () => {
    for (let i = 0; i < 500; i++) {
      const p = partitionForKey(`k${i}`, 6);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(6);
    }
  });
});
