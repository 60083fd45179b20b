export { resolveConfig, formatIssues, type Env, type ResolveOptions } from './resolve.ts';
export type {
  ResolvedConfig,
  ApiKey,
  ApiConfig,
  Role,
  WebhookConfig,
  TopicsConfig,
  FileConfig,
} from './schema.ts';
export { derivedKeyName } from './api-keys.ts';
export { ROLES } from './schema.ts';
