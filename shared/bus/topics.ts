/**
 * Topic names (docs/architecture.md, "Topics") and how each kind of topic is created. Names are overridable
 * (the config layer maps environment overrides onto `TopicNames`); the rest of Vigil asks
 * this module instead of spelling names.
 */

export interface TopicNames {
  inference: string;
  access: string;
  facility: string;
  alerts: string;
  dlq: string;
  /** Prefix of the compacted per-service state topics: `<statePrefix><service>`. */
  statePrefix: string;
}

export const DEFAULT_TOPICS: Readonly<TopicNames> = Object.freeze({
  inference: 'vigil.inference',
  access: 'vigil.access',
  facility: 'vigil.facility',
  alerts: 'vigil.alerts',
  dlq: 'vigil.dlq',
  statePrefix: 'vigil.state.',
});

export function resolveTopicNames(overrides: Partial<TopicNames> = {}): Readonly<TopicNames> {
  return Object.freeze({ ...DEFAULT_TOPICS, ...overrides });
}

export function stateTopic(names: TopicNames, service: string): string {
  return `${names.statePrefix}${service}`;
}

/** The §2 topics every deployment has (state topics are created by their store). */
export function coreTopics(names: TopicNames): string[] {
  return [names.inference, names.access, names.facility, names.alerts, names.dlq];
}

export interface TopicSpec {
  name: string;
  partitions: number;
  /** Broker topic configs, e.g. `cleanup.policy`. */
  config: Record<string, string>;
}

/**
 * State topics are compacted: only the latest snapshot per key matters, so Kafka may drop
 * older ones (the Kafka Streams changelog pattern). Everything else keeps the broker's
 * time-based retention.
 */
export function topicSpec(names: TopicNames, name: string, partitions: number): TopicSpec {
  const compacted = name.startsWith(names.statePrefix);
  return { name, partitions, config: compacted ? { 'cleanup.policy': 'compact' } : {} };
}
