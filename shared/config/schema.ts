/**
 * The shape of Vigil's configuration: environment variables (DESIGN.md §6) and the
 * detector config file (VIGIL_CONFIG, YAML or JSON). Every key has a default and a
 * description; units are in the names. Unknown keys are rejected.
 */
import { z } from 'zod';
import { sitesSchema } from './sites-schema.ts';

export const ROLES = ['admin', 'analyst', 'integration'] as const;
export type Role = (typeof ROLES)[number];

const topicsSchema = z.strictObject({
  inference: z.string().min(1).default('vigil.inference'),
  access: z.string().min(1).default('vigil.access'),
  facility: z.string().min(1).default('vigil.facility'),
  alerts: z.string().min(1).default('vigil.alerts'),
  dlq: z.string().min(1).default('vigil.dlq'),
  state_prefix: z.string().min(1).default('vigil.state.').describe('State topic = prefix + service name.'),
  partitions: z.number().int().min(1).max(1000).default(6).describe('Partitions for topics Vigil creates.'),
});

const webhookSchema = z.strictObject({
  name: z.string().min(1).describe('Label used in logs and metrics.'),
  url: z.url().describe('Endpoint receiving alerts by HTTP POST.'),
  format: z.enum(['json', 'ocsf', 'splunk_hec']).default('json'),
  headers: z.record(z.string(), z.string()).default({}).describe('Extra headers, e.g. an auth token.'),
  hmac_secret: z.string().optional().describe('Signs each body: X-Vigil-Signature: sha256=<hex>.'),
  min_severity: z.enum(['info', 'low', 'medium', 'high', 'critical']).default('low'),
  batch_max: z.number().int().min(1).max(1000).default(100),
  timeout_ms: z.number().int().min(100).default(5000),
});

const stateSchema = z.strictObject({
  max_hot_entries_per_store: z
    .number()
    .int()
    .min(1)
    .default(50_000)
    .describe(
      'Decoded values per detector store and partition kept in memory; idle ones beyond it stay encoded.',
    ),
  idle_ttl_days: z
    .number()
    .min(0)
    .default(30)
    .describe('Event-time days after which an entity nobody wrote is forgotten (0: never).'),
});

const pipelineSchema = z.strictObject({
  store_events: z
    .boolean()
    .default(true)
    .describe('Archive validated events into the ClickHouse events table (an alert-sink consumer group).'),
  allowed_lateness_minutes: z
    .number()
    .min(0)
    .default(60)
    .describe(
      "Events older than their partition's highest event time by more than this go to the dead-letter topic with reason late.",
    ),
  max_future_skew_minutes: z
    .number()
    .min(0)
    .default(15)
    .describe(
      'Events dated further than this past the wall clock are dead-lettered, so one bad clock cannot move event time (0: off).',
    ),
  shutdown_timeout_seconds: z
    .number()
    .min(1)
    .default(30)
    .describe('How long SIGTERM may take to drain and commit before the process gives up and exits 1.'),
  state: stateSchema.default(stateSchema.parse({})),
});

export const fileSchema = z.strictObject({
  topics: topicsSchema.default(topicsSchema.parse({})),
  pipeline: pipelineSchema.default(pipelineSchema.parse({})),
  clickhouse: z
    .strictObject({
      database: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
        .default('vigil'),
      alerts_ttl_days: z.number().int().min(1).default(365),
      events_ttl_days: z.number().int().min(1).default(30),
    })
    .default({ database: 'vigil', alerts_ttl_days: 365, events_ttl_days: 30 }),
  webhooks: z.array(webhookSchema).default([]),
  /** Sites and zones of the facilities (restricted zones, maintenance windows, travel times). */
  sites: sitesSchema,
  /** Per-detector sections, validated against each detector's own schema at boot. */
  detectors: z.record(z.string(), z.unknown()).default({}),
});

export type FileConfig = z.infer<typeof fileSchema>;
export type WebhookConfig = z.infer<typeof webhookSchema>;
export type TopicsConfig = z.infer<typeof topicsSchema>;
export type PipelineConfig = z.infer<typeof pipelineSchema>;

export interface ApiKey {
  /** The secret; never logged. */
  key: string;
  role: Role;
}

export interface ResolvedConfig extends Omit<FileConfig, 'detectors'> {
  /** undefined → embedded bus. */
  kafkaBrokers: string[] | undefined;
  clickhouse: FileConfig['clickhouse'] & {
    /** undefined → embedded ClickHouse (chdb) under dataDir. */
    url: string | undefined;
    user: string | undefined;
    password: string | undefined;
  };
  dataDir: string;
  httpPort: number;
  /** Interface the HTTP server binds (VIGIL_HTTP_HOST, default 127.0.0.1). */
  httpHost: string;
  configFile: string | undefined;
  apiKeys: readonly ApiKey[];
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Raw detector sections; see shared/pipeline/registry.ts. */
  detectors: Readonly<Record<string, unknown>>;
}
