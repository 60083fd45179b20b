import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../shared/config/index.ts';

const secret = `whsec_${randomBytes(32).toString('base64')}`;

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    return ((err as { context?: { problems?: string[] } }).context?.problems ?? []) as string[];
  }
  throw new Error('expected a config error');
}

const hook = (over: Record<string, unknown> = {}) => ({
  name: 'soc',
  url: 'https://soar.example/h',
  ...over,
});

describe('outputs config', () => {
  it('takes the contract keys with defaults for the rest', () => {
    const c = resolveConfig({
      env: {},
      overrides: {
        webhooks: [
          hook({ format: 'ecs', secret, min_severity: 'high', detectors: ['access.*'], tenants: ['acme'] }),
        ],
        syslog: [
          {
            name: 'qradar',
            host: '127.0.0.1',
            port: 6514,
            transport: 'tls',
            format: 'cef',
            min_severity: 'medium',
          },
        ],
      },
    });
    expect(c.webhooks[0]).toMatchObject({
      format: 'ecs',
      secret,
      detectors: ['access.*'],
      delivery: { concurrency: 4 },
    });
    expect(c.syslog[0]).toMatchObject({
      transport: 'tls',
      port: 6514,
      false_positive: { suppress_minutes: 1440 },
    });
  });

  it('reads a secret from the environment or a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-secret-'));
    writeFileSync(join(dir, 'secret'), `${secret}\n`);
    writeFileSync(join(dir, 'token'), 'hec-token\n');
    const c = resolveConfig({
      env: { SOC_SECRET: secret },
      overrides: {
        webhooks: [
          hook({ secret_env: 'SOC_SECRET' }),
          hook({
            name: 'splunk',
            format: 'splunk_hec',
            secret_file: join(dir, 'secret'),
            token_file: join(dir, 'token'),
          }),
        ],
      },
    });
    expect(c.webhooks[0]!.secret).toBe(secret);
    expect(c.webhooks[1]!.secret).toBe(secret);
    expect(c.webhooks[1]!.token).toBe('hec-token');
  });

  it('rejects weak or malformed signing keys, missing env, two sources and duplicate names without quoting secrets', () => {
    const found = problems(() =>
      resolveConfig({
        env: {},
        overrides: {
          webhooks: [
            hook({ secret: 'hunter2-not-a-key' }),
            hook({ name: 'b', secret_env: 'NOPE' }),
            hook({ name: 'c', secret, secret_env: 'X' }),
            hook({ name: 'c' }),
          ],
        },
      }),
    );
    expect(found.join('\n')).toMatch(/webhooks\[0\]\.secret: expected "whsec_"/);
    expect(found.join('\n')).toMatch(/webhooks\[1\]\.secret_env: NOPE is not set/);
    expect(found.join('\n')).toMatch(/webhooks\[2\]: give only one of secret/);
    expect(found.join('\n')).toMatch(/name "c" is used twice/);
    expect(found.join('\n')).not.toContain('hunter2');
  });

  it('rejects the retired hmac_secret key', () => {
    expect(
      problems(() =>
        resolveConfig({ env: {}, overrides: { webhooks: [hook({ hmac_secret: 'x' })] } }),
      ).join(),
    ).toMatch(/hmac_secret/);
  });
});
