export { resolveConfig, formatIssues, type Env, type ResolveOptions } from './resolve.ts';
export type {
  ResolvedConfig,
  ApiKey,
  Role,
  WebhookConfig,
  SyslogConfig,
  DeliveryConfig,
  FalsePositiveConfig,
  TopicsConfig,
  FileConfig,
  ApiConfig,
  KafkaSecurity,
  KafkaTls,
  KafkaSasl,
} from './schema.ts';
export { derivedKeyName } from './api-keys.ts';
export { ENVIRONMENT, environmentNames, type EnvName } from './environment.ts';
export { ROLES } from './schema.ts';
export { DELIVERY_DEFAULTS } from './outputs-schema.ts';
