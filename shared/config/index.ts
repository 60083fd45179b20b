export { resolveConfig, formatIssues, type Env, type ResolveOptions } from './resolve.ts';
export type { ResolvedConfig, ApiKey, Role, WebhookConfig, TopicsConfig, FileConfig } from './schema.ts';
export { ROLES } from './schema.ts';
