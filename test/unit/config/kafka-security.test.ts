import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../shared/config/index.ts';
import { kafkaSecurityOptions } from '../../../shared/runtime/bus.ts';

const PEM = (what: string): string => `-----BEGIN ${what}-----\nAAAA\n-----END ${what}-----\n`;
const BROKERS = { KAFKA_BROKERS: '127.0.0.1:9093' };

function problems(env: Record<string, string>): string[] {
  try {
    resolveConfig({ env });
  } catch (err) {
    return (err as { context?: { problems?: string[] } }).context?.problems ?? [];
  }
  throw new Error('expected a config error');
}

describe('Kafka security from the environment', () => {
  it('is plaintext without any variable', () => {
    const c = resolveConfig({ env: BROKERS });
    expect(c.kafkaSecurity).toEqual({ tls: undefined, sasl: undefined });
    expect(kafkaSecurityOptions(c)).toEqual({});
  });

  it('reads TLS material and SASL secrets inline or from _FILE variables', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-kafka-sec-'));
    writeFileSync(join(dir, 'ca.pem'), PEM('CERTIFICATE'));
    writeFileSync(join(dir, 'password'), 'from-a-file\n');
    const c = resolveConfig({
      env: {
        ...BROKERS,
        KAFKA_SSL_CA_FILE: join(dir, 'ca.pem'),
        KAFKA_SSL_CERT: PEM('CERTIFICATE'),
        KAFKA_SSL_KEY: PEM('PRIVATE KEY'),
        KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
        KAFKA_SASL_USERNAME: 'vigil',
        KAFKA_SASL_PASSWORD_FILE: join(dir, 'password'),
      },
    });
    expect(c.kafkaSecurity.tls).toEqual({
      ca: PEM('CERTIFICATE'),
      cert: PEM('CERTIFICATE'),
      key: PEM('PRIVATE KEY'),
      passphrase: undefined,
    });
    // Secret files lose their trailing newline; mechanisms are case-insensitive.
    expect(c.kafkaSecurity.sasl).toEqual({
      mechanism: 'scram-sha-512',
      username: 'vigil',
      password: 'from-a-file',
    });
    expect(kafkaSecurityOptions(c)).toEqual({
      ssl: { ca: PEM('CERTIFICATE'), cert: PEM('CERTIFICATE'), key: PEM('PRIVATE KEY') },
      sasl: { mechanism: 'scram-sha-512', username: 'vigil', password: 'from-a-file' },
    });
  });

  it('turns TLS on with the system CAs for KAFKA_SSL=true', () => {
    const c = resolveConfig({ env: { ...BROKERS, KAFKA_SSL: 'true' } });
    expect(kafkaSecurityOptions(c)).toEqual({ ssl: {} });
  });

  it('lists every inconsistent setting, never echoing a secret', () => {
    const p = problems({
      ...BROKERS,
      KAFKA_SSL: 'yes',
      KAFKA_SSL_CERT: PEM('CERTIFICATE'),
      KAFKA_SASL_MECHANISM: 'gssapi',
      KAFKA_SASL_PASSWORD: 'hunter2-secret',
      KAFKA_SASL_PASSWORD_FILE: '/nonexistent',
    });
    expect(p.join('\n')).not.toContain('hunter2-secret');
    expect(p.some((x) => x.startsWith('KAFKA_SSL:'))).toBe(true);
    expect(p.some((x) => x.includes('KAFKA_SSL_CERT / KAFKA_SSL_KEY'))).toBe(true);
    expect(p.some((x) => x.startsWith('KAFKA_SASL_MECHANISM:'))).toBe(true);
    expect(p.some((x) => x.includes('KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE'))).toBe(true);
  });

  it('rejects a user without a mechanism, a mechanism without a password, and files that cannot be read', () => {
    expect(problems({ ...BROKERS, KAFKA_SASL_USERNAME: 'u' })[0]).toMatch(/^KAFKA_SASL_MECHANISM: required/);
    expect(problems({ ...BROKERS, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' })[0]).toMatch(
      /plain needs both/,
    );
    expect(problems({ ...BROKERS, KAFKA_SSL_CA_FILE: '/nonexistent/ca.pem' })[0]).toMatch(
      /^KAFKA_SSL_CA_FILE: cannot read/,
    );
  });

  it('refuses security settings without KAFKA_BROKERS', () => {
    expect(problems({ KAFKA_SSL: 'true' })[0]).toMatch(/KAFKA_BROKERS is not/);
  });
});
