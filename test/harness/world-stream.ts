/**
 * A recorded world for whole-process tests: the simulator's events produced to a test's
 * own topics in file order (one sequential send per chunk, so every partition receives
 * its events in the recorded order), the alerts a replay of the same events gives (the
 * reference an interrupted live run must equal), and readers for committed offsets and
 * the alerts topic.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { boot } from '../../services/cli/boot.ts';
import { correlateAlerts } from '../../services/correlator/incidents.ts';
import { partitionKey } from '../../shared/events/keys.ts';
import type { Alert, VigilEvent } from '../../shared/events/types.ts';
import { detectPartitioned } from '../../shared/pipeline/partitioned-run.ts';
import { processorOptions } from '../../shared/runtime/processor-options.ts';
import { SiteDirectory } from '../../shared/sites/site-directory.ts';
import { readTopic } from './topics.ts';

export interface TestTopics {
  inference: string;
  access: string;
  facility: string;
  alerts: string;
  dlq: string;
  state_prefix: string;
  partitions: number;
}

export function testTopics(id: string, partitions = 3): TestTopics {
  return {
    inference: `w${id}.inference`,
    access: `w${id}.access`,
    facility: `w${id}.facility`,
    alerts: `w${id}.alerts`,
    dlq: `w${id}.dlq`,
    state_prefix: `w${id}.state.`,
    partitions,
  };
}

/** A config file for spawned processes, and the same config resolved in this process. */
export function writeConfig(
  topics: TestTopics,
  extra: Record<string, unknown> = {},
): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-world-'));
  const file = join(dir, 'vigil.json');
  writeFileSync(file, JSON.stringify({ topics, ...extra }));
  return { dir, file };
}

/**
 * The alerts a replay of `events` gives under the config in `file` (as `vigil replay`:
 * the same environment and rules), without `detected_at`; with `incidents`, also the
 * correlator's incidents over them (a run that includes the correlator service).
 */
export function referenceAlerts(
  events: readonly VigilEvent[],
  file: string,
  { incidents = false }: { incidents?: boolean } = {},
): Map<string, Omit<Alert, 'detected_at'>> {
  const { config, detectors, environment, rules, incident } = boot(file);
  const alerts = detectPartitioned(events, detectors, {
    partitions: config.topics.partitions,
    ...processorOptions(config.pipeline),
    environment,
    rules,
  });
  if (incidents) alerts.push(...correlateAlerts(alerts, incident, new SiteDirectory(config.sites), 0));
  return new Map(alerts.map((a) => [a.alert_id, withoutDetectedAt(a)]));
}

export function withoutDetectedAt(alert: Alert): Omit<Alert, 'detected_at'> {
  const { detected_at: _ignored, ...rest } = alert;
  return rest;
}

/**
 * What a live run must reproduce of an alert. A re-keyed stream (physical.badge's travel
 * part, on facility events re-keyed by badge) merges several input partitions, and how
 * their batches interleave on it is not deterministic: a badge's presentations at two
 * sites can arrive in either order. Its alerts must exist once each with the same
 * identity, but how many findings an episode gathered, and which, may differ.
 */
export function comparableAlert(
  alert: Omit<Alert, 'detected_at'> | Alert,
): Omit<Alert, 'detected_at'> | object {
  const rest = 'detected_at' in alert ? withoutDetectedAt(alert) : alert;
  if (rest.detector !== 'physical.badge' || rest.entity.type !== 'badge') return rest;
  const { alert_id, detector, category, tenant, entity } = rest;
  return { alert_id, detector, category, tenant, entity };
}

export function kafkaClient(brokers: string): Kafka {
  return new Kafka({ clientId: 'vigil-world', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
}

/** Produces `events` to their topics in order, `chunk` at a time, each send awaited. */
export async function produceWorld(
  brokers: string,
  topics: TestTopics,
  events: readonly VigilEvent[],
  chunk = 2000,
): Promise<void> {
  const producer = kafkaClient(brokers).producer();
  await producer.connect();
  try {
    for (let i = 0; i < events.length; i += chunk) {
      const byTopic = new Map<string, { key: string; value: string }[]>();
      for (const e of events.slice(i, i + chunk)) {
        const topic = topics[e.type];
        let list = byTopic.get(topic);
        if (list === undefined) byTopic.set(topic, (list = []));
        list.push({ key: partitionKey(e), value: JSON.stringify(e) });
      }
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Sum of a group's committed offsets on `topic` (0 for partitions without one). */
export async function committedSum(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
}

/**
 * Whether the facility-monitor's re-keyed stage (`<facility>.by-badge`, group
 * `vigil-facility-monitor.by-badge`) has consumed its last record. Its input is written
 * only in transactions, so each partition ends with a commit marker that a consumer's
 * committed offset never passes: caught up is one short of the end.
 */
export async function rekeyedCaughtUp(admin: Admin, topics: TestTopics): Promise<boolean> {
  const topic = `${topics.facility}.by-badge`;
  const ends = await admin.fetchTopicOffsets(topic);
  const [committed] = await admin.fetchOffsets({
    groupId: 'vigil-facility-monitor.by-badge',
    topics: [topic],
  });
  const next = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)] as const));
  return ends.every((p) => Number(p.high) === 0 || (next.get(p.partition) ?? -1) >= Number(p.high) - 1);
}

/** Sum of the end offsets of `topic`. */
export async function endSum(admin: Admin, topic: string): Promise<number> {
  return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
}

/** The alerts topic reduced to each alert's latest revision; also how many revisions each had. */
export async function finalAlerts(
  brokers: string,
  topic: string,
): Promise<{ alerts: Map<string, Alert>; messages: number }> {
  const alerts = new Map<string, Alert>();
  const records = await readTopic(brokers, topic);
  for (const r of records) {
    if (r.value === null) continue;
    const a = JSON.parse(r.value) as Alert;
    const seen = alerts.get(a.alert_id);
    if (seen === undefined || a.event_count >= seen.event_count) alerts.set(a.alert_id, a);
  }
  return { alerts, messages: records.length };
}
