/**
 * One partition holding 5,005 univariate series (715 UPS units × 7 metrics in one zone):
 * facility.metric keeps them as one changelog record per device (its seven metrics and
 * their combination), each far under the broker's message limit; a new process restores
 * them and the detector goes on exactly as an uninterrupted run would.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { ALL_DETECTORS } from '../../services/cli/catalogue.ts';
import { resolveConfig } from '../../shared/config/index.ts';
import type { UpsEvent } from '../../shared/events/types.ts';
import { PartitionedRun } from '../../shared/pipeline/partitioned-run.ts';
import { resolveDetectors } from '../../shared/pipeline/registry.ts';
import { processorOptions } from '../../shared/runtime/processor-options.ts';
import { readTopic } from '../harness/topics.ts';
import { eventually } from '../harness/vigil.ts';
import { spawnVigil } from '../harness/vigil-process.ts';
import { committedSum, kafkaClient, produceWorld, testTopics, writeConfig } from '../harness/world-stream.ts';

const brokers = inject('kafkaBrokers');
const DEVICES = 715;
const T0 = Date.parse('2026-03-02T00:00:00Z');

function readings(from: number, to: number): UpsEvent[] {
  const out: UpsEvent[] = [];
  for (let r = from; r < to; r++) {
    for (let d = 0; d < DEVICES; d++) {
      const w = Math.sin(r / 7 + d);
      out.push({
        type: 'facility',
        event_id: `ls-${r}-${d}`,
        ts: T0 + r * 60_000 + d * 50,
        tenant: 'acme',
        site: 'fra9',
        zone: 'hall-big',
        kind: 'ups',
        device_id: `ups-${d}`,
        metrics: {
          load_pct: 40 + 5 * w,
          battery_pct: 100 - (r % 3),
          input_v: 230 + w,
          output_v: 229 + w / 2,
          freq_hz: 50 + w / 100,
          temp_c: 25 + w,
          runtime_min: 40 + 2 * w,
        },
      });
    }
  }
  return out;
}

function deviceRecords(records: Array<{ key: string | null; value: string | null }>): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of records) {
    if (r.key === null || !r.key.startsWith('facility.metric/devices|')) continue;
    if (r.value === null) out.delete(r.key);
    else out.set(r.key, r.value);
  }
  return out;
}

describe('a partition with 715 devices (5,005 series)', () => {
  it('checkpoints one record per device, restores them in a new process and goes on unchanged', async () => {
    const topics = testTopics(randomUUID().slice(0, 8));
    const { dir, file } = writeConfig(topics);
    const env = { KAFKA_BROKERS: brokers, VIGIL_CONFIG: file, VIGIL_DATA_DIR: dir, VIGIL_LOG_LEVEL: 'info' };
    const changelog = `${topics.state_prefix}facility-monitor`;
    const first = readings(0, 12);
    const second = readings(12, 16);
    const admin = kafkaClient(brokers).admin();
    await admin.connect();
    const done = () => committedSum(admin, 'vigil-facility-monitor', topics.facility);
    try {
      const a = spawnVigil(['run', 'facility-monitor'], env);
      await a.waitFor(/monitor started/);
      await produceWorld(brokers, topics, first);
      await eventually(async () => (await done()) === first.length, 180_000);
      a.child.kill('SIGTERM');
      expect(await a.exited).toBe(0);

      const records = await readTopic(brokers, changelog);
      const devices = deviceRecords(records);
      expect(devices.size).toBe(DEVICES);
      expect(JSON.parse(devices.get('facility.metric/devices|ups-0')!).v.columns).toHaveLength(7);
      expect(new Set(records.map((r) => r.partition)).size).toBe(1);
      const largest = Math.max(...records.map((r) => Buffer.byteLength(r.value ?? '')));
      expect(largest).toBeLessThan(64 * 1024);

      const b = spawnVigil(['run', 'facility-monitor'], env);
      await b.waitFor(/detector state restored[^\n]*|"records":\d+/);
      await produceWorld(brokers, topics, second);
      await eventually(async () => (await done()) === first.length + second.length, 180_000);
      // One line per restore; the by-badge stream's own (empty) changelog may log first.
      const restored = [...b.output().matchAll(/"records":(\d+)[^\n]*detector state restored/g)].map((m) =>
        Number(m[1]),
      );
      expect(Math.max(0, ...restored)).toBeGreaterThanOrEqual(DEVICES);
      b.child.kill('SIGTERM');
      expect(await b.exited).toBe(0);

      const config = resolveConfig({ env: {}, configFile: file });
      const run = new PartitionedRun(resolveDetectors(ALL_DETECTORS, config.detectors), {
        partitions: config.topics.partitions,
        ...processorOptions(config.pipeline),
      });
      for (const e of [...first, ...second]) run.add(e);
      run.flush(0, new Map());
      const reference = new Map<string, string>();
      for (const [, p] of run.entries())
        for (const [k, v] of deviceRecords(p.exportState())) reference.set(k, v);
      const live = deviceRecords(await readTopic(brokers, changelog));
      expect(live.size).toBe(reference.size);
      for (const [key, value] of reference) expect(live.get(key), key).toBe(value);
    } finally {
      await admin.disconnect();
    }
  }, 400_000);
});
