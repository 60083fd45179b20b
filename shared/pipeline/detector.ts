/**
 * The detector contract. A detector sees one event at a time, in event-time order per
 * partition, and returns at most one finding (more through `ctx.emit`). It is pure
 * in-memory computation: no I/O, no logging, no wall clock (time comes from `ctx`). Its
 * state lives in keyed stores it declares at creation (`keyed-state.ts`); the pipeline
 * owns alert identity, episode merging, suppression, state changelogs and metrics.
 */
import { z } from 'zod';
import type { Alert, AlertCategory, AlertEntity, EventByType, EventType, Severity } from '../events/types.ts';
import type { DetectorEnvironment } from './environment.ts';
import type { DetectorState } from './keyed-state.ts';

export interface DetectorContext {
  /** Event time of the event being processed, epoch ms. */
  readonly eventTime: number;
  /** Highest event time this partition has seen, this event included (epoch ms). */
  readonly watermark: number;
  /** Raises a further finding for this event, when one event reveals more than one anomaly. */
  emit(finding: Finding): void;
}

/** What was observed, against what baseline, by which statistic. */
export interface Explanation {
  statistic: string;
  observed: number | string;
  expected: number | string;
  threshold: number | string;
  /** Human-readable window or baseline period, e.g. "1h sliding", "30d per hour-of-week". */
  window: string;
  [extra: string]: unknown;
}

export interface Finding {
  entity: AlertEntity;
  severity: Severity;
  /** 0–100. */
  score: number;
  title: string;
  /** One sentence built from the explanation's numbers. */
  description: string;
  explanation: Explanation;
  /** Defaults to the detector's category. */
  category?: AlertCategory;
  techniques?: readonly string[];
  /**
   * Separates concurrent anomalies on one entity (e.g. one per resource or metric);
   * findings with the same entity and key within the suppression window update one alert.
   */
  episodeKey?: string;
  /** Ids of related alerts (used by correlating detectors). */
  related?: readonly string[];
  /**
   * Event time the anomaly is dated to when it is not the event's own (e.g. the moment a
   * silent device became overdue); it starts the alert's episode and id bucket.
   */
  at?: number;
  /** Evidence event ids when they are not the event's own (at most 20 are kept). */
  sampleEventIds?: readonly string[];
}

export interface Detector<E> {
  update(event: E, ctx: DetectorContext): Finding | null;
  /**
   * Correlating detectors only: every alert the other detectors of this partition create
   * or update, in event order, right after the event that caused it.
   */
  onAlert?(alert: Readonly<Alert>, ctx: DetectorContext): Finding | null;
}

/** Settings every detector has; a detector's own schema extends these. */
export const baseDetectorConfig = {
  enabled: z.boolean().default(true).describe('Turn the detector on or off.'),
  suppression_minutes: z
    .number()
    .min(0)
    .default(60)
    .describe('Findings on the same entity within this many minutes of event time update one alert.'),
  min_severity: z
    .enum(['info', 'low', 'medium', 'high', 'critical'])
    .default('info')
    .describe('Findings below this severity are dropped.'),
  learning_minutes: z
    .number()
    .min(0)
    .default(0)
    .describe(
      'Event-time minutes after the first event a partition sees during which the detector only learns: its findings are dropped.',
    ),
};

export type BaseDetectorConfig = z.infer<z.ZodObject<typeof baseDetectorConfig>>;

/** A detector's resolved section: the common keys plus its own. */
export type DetectorConfigOf<Shape extends z.ZodRawShape> = z.infer<
  z.ZodObject<Shape & typeof baseDetectorConfig>
>;

/**
 * A registered detector with its config type erased, so the pipeline can hold detectors
 * of every kind in one list. `config` parses (and defaults) a section; `create` takes
 * only what `config` returned.
 */
export interface DetectorDefinition<T extends EventType = EventType> {
  /** Catalogue id (docs/architecture.md, "Detector catalogue"), e.g. "access.cross_tenant". */
  readonly id: string;
  readonly eventType: T;
  readonly category: AlertCategory;
  readonly description: string;
  /** Strict schema of the detector's section: unknown keys rejected, every key defaulted. */
  readonly config: z.ZodType<BaseDetectorConfig>;
  /**
   * Re-keys the stream for this detector (Kafka Streams' repartition): events whose key
   * is defined are forwarded, keyed by it, to an internal topic `<input>.by-<name>`, and
   * this detector runs on that topic's partitions — so it sees every event of one key
   * (e.g. one badge at every site), whatever partition the event came in on.
   */
  readonly keyBy?: RepartitionKey<EventByType[T]>;
  /**
   * `state` is the detector's own namespace of keyed stores in one partition; `env` the
   * calendars and sites declared in config.
   */
  create(
    config: BaseDetectorConfig,
    state: DetectorState,
    env: DetectorEnvironment,
  ): Detector<EventByType[T]>;
}

export interface RepartitionKey<E> {
  /** Names the internal topic and changelog; letters, digits, `_-`. */
  readonly name: string;
  key(event: E): string | undefined;
}

/**
 * Declares a detector. `config` is the detector's own keys (each with a default and a
 * description, the unit in its name); the common keys of `baseDetectorConfig` are added.
 * Two definitions may share an id (e.g. one part keyed by zone, one re-keyed by badge):
 * they share the config section and must declare the same keys.
 */
export function defineDetector<T extends EventType, Shape extends z.ZodRawShape>(def: {
  id: string;
  eventType: T;
  category: AlertCategory;
  description: string;
  config: Shape;
  keyBy?: RepartitionKey<EventByType[T]>;
  create(
    config: DetectorConfigOf<Shape>,
    state: DetectorState,
    env: DetectorEnvironment,
  ): Detector<EventByType[T]>;
}): DetectorDefinition<T> {
  const schema = z.strictObject({ ...baseDetectorConfig, ...def.config });
  return {
    id: def.id,
    eventType: def.eventType,
    category: def.category,
    description: def.description,
    config: schema as unknown as z.ZodType<BaseDetectorConfig>,
    ...(def.keyBy === undefined ? {} : { keyBy: def.keyBy }),
    // The only configs reaching create are ones this schema produced.
    create: (config, state, env) => def.create(config as DetectorConfigOf<Shape>, state, env),
  };
}
