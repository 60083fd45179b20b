export { resolveConfig, formatIssues, type Env, type ResolveOptions } from './resolve.ts';
export type {
  ResolvedConfig,
  ApiKey,
  Role,
  WebhookConfig,
  TopicsConfig,
  FileConfig,
  KafkaSecurity,
  KafkaTls,
  KafkaSasl,
} from './schema.ts';
export { ENVIRONMENT, environmentNames, type EnvName } from './environment.ts';
export { ROLES } from './schema.ts';
