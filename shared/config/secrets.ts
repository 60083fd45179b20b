/**
 * Output secrets in their three forms (inline, `<name>_env`, `<name>_file`) become one value
 * at boot, so nothing later reads the environment or the disk for them. A signing key must
 * be a Standard Webhooks key, "whsec_" + base64 of 24–64 random bytes, which is what the
 * receiver's library (e.g. `standardwebhooks`) expects to be given.
 */
import { readFileSync } from 'node:fs';
import type { Env } from './resolve.ts';

type SecretName = 'secret' | 'token';
type SecretHolder = Partial<Record<SecretName | `${SecretName}_env` | `${SecretName}_file`, string>>;

export function resolveSecret(
  holder: SecretHolder,
  name: SecretName,
  where: string,
  env: Env,
  problems: string[],
): string | undefined {
  const inline = holder[name];
  const envName = holder[`${name}_env`];
  const file = holder[`${name}_file`];
  const given = [inline, envName, file].filter((v) => v !== undefined).length;
  if (given > 1) {
    problems.push(`${where}: give only one of ${name}, ${name}_env, ${name}_file`);
    return undefined;
  }
  if (envName !== undefined) {
    const value = env[envName];
    if (value === undefined || value === '') problems.push(`${where}.${name}_env: ${envName} is not set`);
    return value || undefined;
  }
  if (file !== undefined) {
    try {
      return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      problems.push(`${where}.${name}_file: cannot read ${file} (${(err as NodeJS.ErrnoException).code})`);
      return undefined;
    }
  }
  return inline;
}

/** Problems with a Standard Webhooks signing key; never quotes the key itself. */
export function checkSigningKey(secret: string, where: string, problems: string[]): void {
  const match = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(secret);
  const bytes = match === null ? 0 : Buffer.from(match[1]!, 'base64').length;
  if (match === null || bytes < 24 || bytes > 64) {
    problems.push(
      `${where}.secret: expected "whsec_" followed by base64 of 24–64 random bytes ` +
        `(e.g. "whsec_$(openssl rand -base64 32)")`,
    );
  }
}
