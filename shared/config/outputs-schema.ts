/**
 * The SIEM/SOAR outputs of the alert sink (DESIGN.md §6 "Outputs config"): `webhooks` and
 * `syslog` keep the contract's key names; everything else here is Vigil's own. Secrets may
 * be given inline, by environment variable name (`*_env`) or by file (`*_file`); resolve.ts
 * turns the three forms into one value at boot (secrets.ts).
 */
import { z } from 'zod';

const SEVERITY = z.enum(['info', 'low', 'medium', 'high', 'critical']);
const CATEGORY = z.enum([
  'drift',
  'extraction',
  'abuse',
  'exfiltration',
  'access',
  'facility',
  'physical',
  'cyber_physical',
]);

/** Which alerts an output takes. Empty lists mean "all". */
const selection = {
  min_severity: SEVERITY.default('low'),
  categories: z.array(CATEGORY).default([]).describe('Only alerts of these categories; empty = all.'),
  detectors: z
    .array(z.string().min(1))
    .default([])
    .describe('Detector id globs, e.g. "access.*"; empty = all.'),
  tenants: z.array(z.string().min(1)).default([]).describe('Only alerts of these tenants; empty = all.'),
};

export const DELIVERY_DEFAULTS = {
  retry_initial_ms: 500,
  retry_max_ms: 60_000,
  retry_after_max_ms: 600_000,
  breaker_failures: 5,
  breaker_open_ms: 15_000,
  breaker_open_max_ms: 300_000,
  concurrency: 4,
};

export const deliverySchema = z
  .strictObject({
    retry_initial_ms: z.number().int().min(1).default(500).describe('First retry delay (doubles, jittered).'),
    retry_max_ms: z.number().int().min(1).default(60_000).describe('Longest delay between retries.'),
    retry_after_max_ms: z
      .number()
      .int()
      .min(1)
      .default(600_000)
      .describe('Longest Retry-After honoured; a longer one is cut to this.'),
    breaker_failures: z
      .number()
      .int()
      .min(1)
      .default(5)
      .describe('Consecutive failed attempts that open the circuit.'),
    breaker_open_ms: z
      .number()
      .int()
      .min(1)
      .default(15_000)
      .describe('How long an open circuit waits before one probe (doubles while probes fail).'),
    breaker_open_max_ms: z.number().int().min(1).default(300_000),
    concurrency: z.number().int().min(1).max(64).default(4).describe('Requests in flight per output.'),
  })
  .default(DELIVERY_DEFAULTS);

export const falsePositiveSchema = z
  .strictObject({
    suppress_minutes: z
      .number()
      .min(0)
      .default(1440)
      .describe('After an analyst marks an alert false_positive, its updates skip this output (0 = never).'),
    match: z
      .enum(['alert', 'entity'])
      .default('alert')
      .describe('"alert": updates of the marked alert; "entity": any alert of its detector and entity.'),
  })
  .default({ suppress_minutes: 1440, match: 'alert' });

const secretEnv = (name: string) =>
  z.string().min(1).optional().describe(`Environment variable holding ${name}.`);
const secretFile = (name: string) =>
  z.string().min(1).optional().describe(`File holding ${name} (a trailing newline is ignored).`);

export const webhookSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .describe('Label in logs, metrics and the consumer group id.'),
  url: z.url().describe('Endpoint receiving alerts by HTTP POST.'),
  format: z.enum(['json', 'ocsf', 'ecs', 'splunk_hec']).default('json'),
  secret: z.string().min(1).optional().describe('Standard Webhooks signing key, "whsec_<base64>".'),
  secret_env: secretEnv('secret'),
  secret_file: secretFile('secret'),
  token: z
    .string()
    .min(1)
    .optional()
    .describe('Sent as Authorization: "Splunk <t>" (splunk_hec), "ApiKey <t>" (ecs), else "Bearer <t>".'),
  token_env: secretEnv('token'),
  token_file: secretFile('token'),
  ...selection,
  headers: z.record(z.string(), z.string()).default({}).describe('Extra headers.'),
  batch_max: z.number().int().min(1).max(1000).default(100).describe('Alerts per request (ecs, splunk_hec).'),
  timeout_ms: z.number().int().min(100).default(10_000),
  ocsf_version: z
    .enum(['1.8.0', '1.4.0'])
    .default('1.8.0')
    .describe('1.8.0 carries evidence as anomaly_analyses; 1.4.0 for older OCSF pipelines.'),
  splunk: z
    .strictObject({
      index: z.string().min(1).optional(),
      host: z.string().min(1).optional(),
      source: z.string().min(1).default('vigil'),
      sourcetype: z.string().min(1).default('vigil:alert'),
      ack: z.boolean().default(false).describe('Wait for indexer acknowledgement before committing.'),
      channel: z.uuid().optional().describe('HEC channel GUID (default: derived from the output name).'),
      ack_poll_ms: z.number().int().min(10).default(1000),
      ack_timeout_ms: z.number().int().min(100).default(120_000),
    })
    .optional(),
  elastic: z
    .strictObject({
      index: z.string().min(1).optional().describe('Target of the create actions when the URL names none.'),
      id: z
        .enum(['alert', 'revision'])
        .default('alert')
        .describe('_id = alert_id (first state kept), or alert_id:event_count (one document per revision).'),
    })
    .optional(),
  delivery: deliverySchema,
  false_positive: falsePositiveSchema,
});

export const syslogSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_-]+$/),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).optional().describe('Default 514 (tcp, udp) or 6514 (tls).'),
  transport: z.enum(['tcp', 'tls', 'udp']).default('tcp'),
  format: z.literal('cef').default('cef'),
  ...selection,
  facility: z
    .number()
    .int()
    .min(0)
    .max(23)
    .default(10)
    .describe('Syslog facility code (RFC 5424 §6.2.1); 10 = security/authorization.'),
  hostname: z.string().min(1).max(255).optional().describe('HOSTNAME field; default: this host.'),
  app_name: z.string().min(1).max(48).default('vigil'),
  tls: z
    .strictObject({
      ca_file: z.string().min(1).optional(),
      cert_file: z.string().min(1).optional(),
      key_file: z.string().min(1).optional(),
      server_name: z.string().min(1).optional(),
      reject_unauthorized: z.boolean().default(true),
    })
    .optional(),
  udp_max_bytes: z.number().int().min(480).max(65_000).default(2048).describe('RFC 5426 §3.2.'),
  timeout_ms: z.number().int().min(100).default(10_000),
  delivery: deliverySchema,
  false_positive: falsePositiveSchema,
});

export const alertSinkSchema = z
  .strictObject({
    false_positive_poll_seconds: z
      .number()
      .min(1)
      .default(30)
      .describe('How often the sink reads new false_positive marks from alert_actions.'),
  })
  .default({ false_positive_poll_seconds: 30 });

export type WebhookConfig = z.infer<typeof webhookSchema>;
export type SyslogConfig = z.infer<typeof syslogSchema>;
export type DeliveryConfig = z.infer<typeof deliverySchema>;
export type FalsePositiveConfig = z.infer<typeof falsePositiveSchema>;
