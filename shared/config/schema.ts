/**
 * The shape of Vigil's configuration: environment variables (DESIGN.md §6) and the
 * detector config file (VIGIL_CONFIG, YAML or JSON). Every key has a default and a
 * description; units are in the names. Unknown keys are rejected.
 */
import { z } from 'zod';

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

const apiSchema = z.strictObject({
  rate_limit_per_minute: z
    .number()
    .int()
    .min(1)
    .default(1200)
    .describe('Requests per minute per API key (per client address before authentication).'),
  stream_max_clients: z.number().int().min(1).default(100).describe('Concurrent /api/v1/stream clients.'),
  stream_buffer_bytes: z
    .number()
    .int()
    .min(1024)
    .default(1_048_576)
    .describe(
      'Bytes a slow stream client may fall behind before it is dropped (it resumes by Last-Event-ID).',
    ),
  stream_replay_alerts: z
    .number()
    .int()
    .min(0)
    .default(2000)
    .describe('Recent stream events kept so a reconnecting client can resume from its Last-Event-ID.'),
});

export const fileSchema = z.strictObject({
  topics: topicsSchema.default(topicsSchema.parse({})),
  pipeline: z
    .strictObject({
      checkpoint_interval_seconds: z
        .number()
        .min(1)
        .default(30)
        .describe('How often (wall clock) detector state is checkpointed to the state topic.'),
      store_events: z
        .boolean()
        .default(true)
        .describe('Write validated events to the ClickHouse events table.'),
      max_batch_events: z.number().int().min(1).default(5000),
    })
    .default({ checkpoint_interval_seconds: 30, store_events: true, max_batch_events: 5000 }),
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
  api: apiSchema.default(apiSchema.parse({})),
  /** Per-detector sections, validated against each detector's own schema at boot. */
  detectors: z.record(z.string(), z.unknown()).default({}),
});

export type FileConfig = z.infer<typeof fileSchema>;
export type WebhookConfig = z.infer<typeof webhookSchema>;
export type TopicsConfig = z.infer<typeof topicsSchema>;
export type ApiConfig = z.infer<typeof apiSchema>;

export interface ApiKey {
  /** Who the key is: the actor of its triage actions, safe to log. */
  name: string;
  /** The secret; never logged. */
  key: string;
  role: Role;
  /** Tenants whose alerts and events the key may see and ingest; absent = every tenant. */
  tenants?: readonly string[];
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
  /** Address the HTTP API binds (VIGIL_HTTP_HOST, default 127.0.0.1). */
  httpHost: string;
  configFile: string | undefined;
  apiKeys: readonly ApiKey[];
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Raw detector sections; see shared/pipeline/registry.ts. */
  detectors: Readonly<Record<string, unknown>>;
}
