/**
 * Kafka TLS and SASL from the environment (names in environment.ts), checked once at
 * boot like the rest of the config. PEM material and secrets may be given inline or as
 * files (`<NAME>_FILE`, the convention of Docker and Kubernetes secrets); file contents
 * are read here, so nothing later touches the file system or the environment.
 */
import { readFileSync } from 'node:fs';
import { ENVIRONMENT, type EnvName } from './environment.ts';
import type { KafkaSasl, KafkaSecurity, KafkaTls } from './schema.ts';

export type Env = Readonly<Record<string, string | undefined>>;

const MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

/**
 * The value of `name`, or of the file `<name>_FILE` names (for variables that allow it);
 * undefined when neither is set. `trim` drops the trailing newline a secret file usually has.
 */
export function readVariable(env: Env, name: EnvName, problems: string[], trim = true): string | undefined {
  const inline = env[name] === '' ? undefined : env[name];
  const spec = ENVIRONMENT[name];
  const path = 'file' in spec && spec.file ? env[`${name}_FILE`] || undefined : undefined;
  if (inline !== undefined && path !== undefined) {
    problems.push(`${name}: set either ${name} or ${name}_FILE, not both`);
    return undefined;
  }
  if (path === undefined) return inline;
  try {
    const text = readFileSync(path, 'utf8');
    return trim ? text.trim() : text;
  } catch (err) {
    problems.push(`${name}_FILE: cannot read ${path}: ${(err as Error).message}`);
    return undefined;
  }
}

function parseTls(env: Env, problems: string[]): KafkaTls | undefined {
  const flag = env['KAFKA_SSL'];
  if (flag !== undefined && flag !== '' && flag !== 'true' && flag !== 'false') {
    problems.push(`KAFKA_SSL: expected true or false, got "${flag}"`);
  }
  const ca = readVariable(env, 'KAFKA_SSL_CA', problems, false);
  const cert = readVariable(env, 'KAFKA_SSL_CERT', problems, false);
  const key = readVariable(env, 'KAFKA_SSL_KEY', problems, false);
  const passphrase = readVariable(env, 'KAFKA_SSL_KEY_PASSWORD', problems);
  if ((cert === undefined) !== (key === undefined)) {
    problems.push(
      'KAFKA_SSL_CERT / KAFKA_SSL_KEY: a client certificate needs its key, and a key its certificate',
    );
  }
  if (passphrase !== undefined && key === undefined) {
    problems.push('KAFKA_SSL_KEY_PASSWORD: set, but there is no KAFKA_SSL_KEY');
  }
  const material = ca !== undefined || cert !== undefined || key !== undefined;
  if (flag === 'false' && material) {
    problems.push('KAFKA_SSL: is false, but TLS material (KAFKA_SSL_CA/CERT/KEY) is set');
    return undefined;
  }
  if (flag !== 'true' && !material) return undefined;
  for (const [name, pem] of [
    ['KAFKA_SSL_CA', ca],
    ['KAFKA_SSL_CERT', cert],
    ['KAFKA_SSL_KEY', key],
  ] as const) {
    if (pem !== undefined && !pem.includes('-----BEGIN ')) problems.push(`${name}: expected PEM text`);
  }
  return { ca, cert, key, passphrase };
}

function parseSasl(env: Env, problems: string[]): KafkaSasl | undefined {
  const raw = env['KAFKA_SASL_MECHANISM'] || undefined;
  const username = readVariable(env, 'KAFKA_SASL_USERNAME', problems);
  const password = readVariable(env, 'KAFKA_SASL_PASSWORD', problems);
  if (raw === undefined) {
    if (username !== undefined || password !== undefined) {
      problems.push(`KAFKA_SASL_MECHANISM: required with a SASL user or password (${MECHANISMS.join(', ')})`);
    }
    return undefined;
  }
  const mechanism = raw.toLowerCase() as KafkaSasl['mechanism'];
  if (!MECHANISMS.includes(mechanism)) {
    problems.push(`KAFKA_SASL_MECHANISM: expected one of ${MECHANISMS.join(', ')}, got "${raw}"`);
    return undefined;
  }
  if (username === undefined || password === undefined) {
    problems.push(`KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD: ${mechanism} needs both`);
    return undefined;
  }
  return { mechanism, username, password };
}

export function parseKafkaSecurity(env: Env, brokersSet: boolean, problems: string[]): KafkaSecurity {
  const before = problems.length;
  const tls = parseTls(env, problems);
  const sasl = parseSasl(env, problems);
  if (!brokersSet && (tls !== undefined || sasl !== undefined) && problems.length === before) {
    problems.push(
      'KAFKA_SSL* / KAFKA_SASL_*: set, but KAFKA_BROKERS is not (the embedded bus has no security)',
    );
  }
  return { tls, sasl };
}
