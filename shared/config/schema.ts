/**
 * The shape of Vigil's configuration: environment variables (DESIGN.md §6) and the
 * detector config file (VIGIL_CONFIG, YAML or JSON). Every key has a default and a
 * description; units are in the names. Unknown keys are rejected.
 */
import { z } from 'zod';
import { alertSinkSchema, syslogSchema, webhookSchema } from './outputs-schema.ts';

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
  syslog: z.array(syslogSchema).default([]),
  alert_sink: alertSinkSchema,
  /** Per-detector sections, validated against each detector's own schema at boot. */
  detectors: z.record(z.string(), z.unknown()).default({}),
});

export type FileConfig = z.infer<typeof fileSchema>;
export type { WebhookConfig, SyslogConfig, DeliveryConfig, FalsePositiveConfig } from './outputs-schema.ts';
export type TopicsConfig = z.infer<typeof topicsSchema>;

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
  configFile: string | undefined;
  apiKeys: readonly ApiKey[];
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Raw detector sections; see shared/pipeline/registry.ts. */
  detectors: Readonly<Record<string, unknown>>;
}
