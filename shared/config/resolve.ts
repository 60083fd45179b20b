/**
 * Reads and validates configuration once, at boot: environment (environment.ts) plus the
 * optional config file. Returns a deep-frozen ResolvedConfig, or throws one error that
 * lists every bad key. Nothing else in Vigil reads process.env.
 */
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { vigilError } from '../errors.ts';
import type { EnvName } from './environment.ts';
import { parseKafkaSecurity, readVariable, type Env } from './kafka-security.ts';
import { parseApiKeys } from './api-keys.ts';
import { fileSchema, type FileConfig, type ResolvedConfig } from './schema.ts';
import { checkSigningKey, resolveSecret } from './secrets.ts';
import { ruleReferenceProblems } from '../pipeline/rule-schema.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;

export type { Env };

export function formatIssues(issues: readonly z.core.$ZodIssue[], root = ''): string[] {
  return issues.map((issue) => {
    const path = [root, ...issue.path.map(String)].filter((p) => p !== '').join('.');
    return `${path || '(root)'}: ${issue.message}`;
  });
}

function readFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw vigilError('VGL_ERR_CONFIG_FILE', [path, (err as Error).message], { cause: err });
  }
  try {
    return path.endsWith('.json') ? JSON.parse(text) : (parseYaml(text) ?? {});
  } catch (err) {
    throw vigilError('VGL_ERR_CONFIG_FILE', [path, (err as Error).message], { cause: err });
  }
}

/** Fills each output's secret and token from their inline, env or file form; checks names. */
function resolveOutputs(file: FileConfig, env: Env, problems: string[]): FileConfig {
  const webhooks = file.webhooks.map((w, i) => {
    const where = `webhooks[${i}]`;
    const secret = resolveSecret(w, 'secret', where, env, problems);
    const token = resolveSecret(w, 'token', where, env, problems);
    if (secret !== undefined) checkSigningKey(secret, where, problems);
    return { ...w, secret, token };
  });
  for (const [kind, names] of [
    ['webhooks', file.webhooks.map((w) => w.name)],
    ['syslog', file.syslog.map((s) => s.name)],
  ] as const) {
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup !== undefined) problems.push(`${kind}: the name "${dup}" is used twice; names must be unique`);
  }
  return { ...file, webhooks };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** References between sections: rules name calendars (detector globs are checked at boot). */
function crossSectionProblems(file: FileConfig, root: string): string[] {
  const calendars = (name: string): boolean => Object.hasOwn(file.calendars, name);
  return ruleReferenceProblems(file.rules, { calendars }).map(
    (p) => `${[root, 'rules', ...p.path].join('.')}: ${p.message}`,
  );
}

export interface ResolveOptions {
  env?: Env;
  /** Overrides VIGIL_CONFIG (e.g. `vigil replay --config`). */
  configFile?: string;
  /** Config given in code (tests); merged under the file. */
  overrides?: Record<string, unknown>;
}

export function resolveConfig(options: ResolveOptions = {}): ResolvedConfig {
  const rawEnv = options.env ?? process.env;
  // Only the variables of environment.ts are read, so that list stays complete.
  const env = (name: EnvName): string | undefined => rawEnv[name];
  const problems: string[] = [];
  const configFile = options.configFile ?? env('VIGIL_CONFIG') ?? undefined;
  const raw = configFile !== undefined ? readFile(configFile) : (options.overrides ?? {});

  const root = configFile ? 'file' : 'config';
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) problems.push(...formatIssues(parsed.error.issues, root));
  else problems.push(...crossSectionProblems(parsed.data, root));

  const brokers = (env('KAFKA_BROKERS') ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  for (const b of brokers) {
    if (!/^[^\s:/]+:\d{1,5}$/.test(b)) problems.push(`KAFKA_BROKERS: expected host:port, got "${b}"`);
  }

  const url = env('CLICKHOUSE_URL') || undefined;
  if (url !== undefined && !URL.canParse(url)) problems.push(`CLICKHOUSE_URL: not a URL`);

  const portText = env('VIGIL_HTTP_PORT') ?? '8080';
  const httpPort = Number(portText);
  if (!Number.isInteger(httpPort) || httpPort < 0 || httpPort > 65535) {
    problems.push(`VIGIL_HTTP_PORT: expected a port number 0–65535, got "${portText}"`);
  }

  const httpHost = (env('VIGIL_HTTP_HOST') ?? '').trim() || '127.0.0.1';
  if (!/^[A-Za-z0-9.:\-[\]]{1,253}$/.test(httpHost)) {
    problems.push(
      `VIGIL_HTTP_HOST: expected a host name or IP address to bind, got "${httpHost.slice(0, 64)}"`,
    );
  }

  const logLevel = (env('VIGIL_LOG_LEVEL') ?? 'info') as ResolvedConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`VIGIL_LOG_LEVEL: expected one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const logFormat = (env('VIGIL_LOG_FORMAT') || 'auto') as ResolvedConfig['logFormat'];
  if (!LOG_FORMATS.includes(logFormat)) {
    problems.push(`VIGIL_LOG_FORMAT: expected one of ${LOG_FORMATS.join(', ')}, got "${logFormat}"`);
  }
  const apiKeys = parseApiKeys(env('VIGIL_API_KEYS'), problems);
  const kafkaSecurity = parseKafkaSecurity(rawEnv, brokers.length > 0, problems);
  const password = readVariable(rawEnv, 'CLICKHOUSE_PASSWORD', problems);

  if (problems.length > 0 || !parsed.success) {
    throw vigilError('VGL_ERR_CONFIG_INVALID', [problems.join('; ')], { context: { problems } });
  }
  const file = resolveOutputs(parsed.data, rawEnv, problems);
  if (problems.length > 0) {
    throw vigilError('VGL_ERR_CONFIG_INVALID', [problems.join('; ')], { context: { problems } });
  }
  return deepFreeze({
    ...file,
    kafkaBrokers: brokers.length > 0 ? brokers : undefined,
    kafkaSecurity,
    clickhouse: {
      ...file.clickhouse,
      url,
      user: env('CLICKHOUSE_USER') || undefined,
      password,
    },
    dataDir: resolvePath(env('VIGIL_DATA_DIR') || './data'),
    httpPort,
    httpHost,
    configFile,
    apiKeys,
    logLevel,
    logFormat,
  });
}
