/**
 * Reads and validates configuration once, at boot: environment (DESIGN.md §6) plus the
 * optional config file. Returns a deep-frozen ResolvedConfig, or throws one error that
 * lists every bad key. Nothing else in Vigil reads process.env.
 */
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { vigilError } from '../errors.ts';
import { ruleReferenceProblems } from '../pipeline/rule-schema.ts';
import { fileSchema, ROLES, type ApiKey, type FileConfig, type ResolvedConfig, type Role } from './schema.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export type Env = Readonly<Record<string, string | undefined>>;

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

function parseApiKeys(value: string | undefined, problems: string[]): ApiKey[] {
  if (value === undefined || value.trim() === '') return [];
  const keys: ApiKey[] = [];
  value.split(',').forEach((entry, i) => {
    const at = entry.lastIndexOf(':');
    const key = entry.slice(0, at).trim();
    const role = entry.slice(at + 1).trim();
    if (at <= 0 || key.length < 8) {
      problems.push(`VIGIL_API_KEYS[${i}]: expected "key:role" with a key of at least 8 characters`);
    } else if (!(ROLES as readonly string[]).includes(role)) {
      problems.push(`VIGIL_API_KEYS[${i}]: role must be one of ${ROLES.join(', ')}, got "${role}"`);
    } else {
      keys.push({ key, role: role as Role });
    }
  });
  return keys;
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
  const env = options.env ?? process.env;
  const problems: string[] = [];
  const configFile = options.configFile ?? env['VIGIL_CONFIG'] ?? undefined;
  const raw = configFile !== undefined ? readFile(configFile) : (options.overrides ?? {});

  const root = configFile ? 'file' : 'config';
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) problems.push(...formatIssues(parsed.error.issues, root));
  else problems.push(...crossSectionProblems(parsed.data, root));

  const brokers = (env['KAFKA_BROKERS'] ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  for (const b of brokers) {
    if (!/^[^\s:/]+:\d{1,5}$/.test(b)) problems.push(`KAFKA_BROKERS: expected host:port, got "${b}"`);
  }

  const url = env['CLICKHOUSE_URL'] || undefined;
  if (url !== undefined && !URL.canParse(url)) problems.push(`CLICKHOUSE_URL: not a URL`);

  const portText = env['VIGIL_HTTP_PORT'] ?? '8080';
  const httpPort = Number(portText);
  if (!Number.isInteger(httpPort) || httpPort < 0 || httpPort > 65535) {
    problems.push(`VIGIL_HTTP_PORT: expected a port number 0–65535, got "${portText}"`);
  }

  const logLevel = (env['VIGIL_LOG_LEVEL'] ?? 'info') as ResolvedConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`VIGIL_LOG_LEVEL: expected one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const apiKeys = parseApiKeys(env['VIGIL_API_KEYS'], problems);

  if (problems.length > 0 || !parsed.success) {
    throw vigilError('VGL_ERR_CONFIG_INVALID', [problems.join('; ')], { context: { problems } });
  }
  const file = parsed.data;
  return deepFreeze({
    ...file,
    kafkaBrokers: brokers.length > 0 ? brokers : undefined,
    clickhouse: {
      ...file.clickhouse,
      url,
      user: env['CLICKHOUSE_USER'] || undefined,
      password: env['CLICKHOUSE_PASSWORD'] || undefined,
    },
    dataDir: resolvePath(env['VIGIL_DATA_DIR'] || './data'),
    httpPort,
    httpHost: env['VIGIL_HTTP_HOST'] || '127.0.0.1',
    configFile,
    apiKeys,
    logLevel,
  });
}
