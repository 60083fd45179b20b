/**
 * The shape of Vigil's configuration: environment variables (environment.ts) and the
 * detector config file (VIGIL_CONFIG, YAML or JSON). Every key has a default and a
 * description; units are in the names. Unknown keys are rejected.
 */
import { z } from 'zod';
import { alertSinkSchema, syslogSchema, webhookSchema } from './outputs-schema.ts';
import { calendarsSchema } from '../calendar/config.ts';
import { rulesSchema } from '../pipeline/rule-schema.ts';
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
  syslog: z.array(syslogSchema).default([]),
  alert_sink: alertSinkSchema,
  api: apiSchema.default(apiSchema.parse({})),
  /** Named recurring windows (maintenance, business hours) that rules and detectors refer to. */
  calendars: calendarsSchema,
  /** Scoped rules (skip_alert, skip_learning, set_severity); see shared/pipeline/rules.ts. */
  rules: rulesSchema,
  /** Sites and zones of the facilities (restricted zones, maintenance windows, travel times). */
  sites: sitesSchema,
  /** Per-detector sections, validated against each detector's own schema at boot. */
  detectors: z.record(z.string(), z.unknown()).default({}),
});

export type FileConfig = z.infer<typeof fileSchema>;
export type { WebhookConfig, SyslogConfig, DeliveryConfig, FalsePositiveConfig } from './outputs-schema.ts';
export type TopicsConfig = z.infer<typeof topicsSchema>;
export type ApiConfig = z.infer<typeof apiSchema>;
export type PipelineConfig = z.infer<typeof pipelineSchema>;

export interface ApiKey {
  /** Who the key is: the actor of its triage actions, safe to log. */
  name: string;
  /** The secret; never logged. */
  key: string;
  role: Role;
  /** Tenants whose alerts and events the key may see and ingest; absent = every tenant. */
  tenants?: readonly string[];
}

/** TLS to the brokers (shared/config/kafka-security.ts). PEM text, already read from files. */
export interface KafkaTls {
  /** undefined → the system's CAs. */
  ca: string | undefined;
  cert: string | undefined;
  key: string | undefined;
  passphrase: string | undefined;
}

export interface KafkaSasl {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  /** Never logged. */
  password: string;
}

export interface KafkaSecurity {
  /** undefined → plaintext. */
  tls: KafkaTls | undefined;
  /** undefined → no authentication. */
  sasl: KafkaSasl | undefined;
}

export interface ResolvedConfig extends Omit<FileConfig, 'detectors'> {
  /** undefined → embedded bus. */
  kafkaBrokers: string[] | undefined;
  kafkaSecurity: KafkaSecurity;
  clickhouse: FileConfig['clickhouse'] & {
    /** undefined → embedded ClickHouse (chdb) under dataDir. */
    url: string | undefined;
    user: string | undefined;
    password: string | undefined;
  };
  dataDir: string;
  httpPort: number;
  /** Interface the HTTP server binds (VIGIL_HTTP_HOST, default 127.0.0.1). */
  /** Address the HTTP API binds (VIGIL_HTTP_HOST, default 127.0.0.1). */
  httpHost: string;
  configFile: string | undefined;
  apiKeys: readonly ApiKey[];
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** auto: pretty when the log stream is a terminal, JSON otherwise. */
  logFormat: 'auto' | 'json' | 'pretty';
  /** Raw detector sections; see shared/pipeline/registry.ts. */
  detectors: Readonly<Record<string, unknown>>;
}
