/**
 * Topic creation at start-up. Idempotent and safe when several instances start at once:
 * the broker answers TOPIC_ALREADY_EXISTS to all but one creator, and kafkajs reports that
 * as `false`, not an error.
 */
import type { Admin } from 'kafkajs';
import { vigilError, errorMessage } from '../errors.ts';
import type { TopicSpec } from './topics.ts';

const LEADER_TIMEOUT_MS = 30_000;

export async function createMissingTopics(admin: Admin, specs: readonly TopicSpec[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.name));
  if (missing.length === 0) return [];
  const names = missing.map((s) => s.name);
  try {
    await admin.createTopics({
      // kafkajs' own waitForLeaders gives up on the UNKNOWN_TOPIC_OR_PARTITION a KRaft
      // broker answers while the new topic's metadata propagates; waitForLeaders below
      // tolerates it.
      waitForLeaders: false,
      topics: missing.map((s) => ({
        topic: s.name,
        numPartitions: s.partitions,
        configEntries: Object.entries(s.config).map(([name, value]) => ({ name, value })),
      })),
    });
    await waitForLeaders(admin, names);
  } catch (err) {
    throw vigilError('VGL_ERR_BUS_TOPIC_CREATE', [names.join(', '), errorMessage(err)], { cause: err });
  }
  return names;
}

/** Resolves when every partition of `topics` has a leader, so producing to them succeeds. */
export async function waitForLeaders(admin: Admin, topics: string[]): Promise<void> {
  const deadline = Date.now() + LEADER_TIMEOUT_MS;
  for (;;) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics });
      const ready =
        meta.length === topics.length && meta.every((t) => t.partitions.every((p) => p.leader >= 0));
      if (ready) return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline)
      throw new Error(`no leaders for ${topics.join(', ')} after ${LEADER_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
