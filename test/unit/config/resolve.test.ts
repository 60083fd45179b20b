import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { derivedKeyName, resolveConfig } from '../../../shared/config/index.ts';

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    return ((err as { context?: { problems?: string[] } }).context?.problems ?? []) as string[];
  }
  throw new Error('expected a config error');
}

describe('resolveConfig', () => {
  it('defaults to the embedded mode with the contract defaults', () => {
    const c = resolveConfig({ env: {} });
    expect(c.kafkaBrokers).toBeUndefined();
    expect(c.clickhouse.url).toBeUndefined();
    expect(c.httpPort).toBe(8080);
    expect(c.topics.inference).toBe('vigil.inference');
    expect(c.topics.dlq).toBe('vigil.dlq');
    expect(c.clickhouse.database).toBe('vigil');
    expect(c.dataDir.endsWith('/data')).toBe(true);
    expect(Object.isFrozen(c) && Object.isFrozen(c.topics)).toBe(true);
  });

  it('reads every documented environment variable', () => {
    const c = resolveConfig({
      env: {
        KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9093',
        CLICKHOUSE_URL: 'http://ch:8123',
        CLICKHOUSE_USER: 'vigil',
        CLICKHOUSE_PASSWORD: 's3cret',
        VIGIL_DATA_DIR: '/tmp/vigil-x',
        VIGIL_HTTP_PORT: '9000',
        VIGIL_API_KEYS: 'adminkey123:admin,analyst-key:analyst',
        VIGIL_LOG_LEVEL: 'debug',
      },
    });
    expect(c.kafkaBrokers).toEqual(['127.0.0.1:9092', '127.0.0.1:9093']);
    expect(c.clickhouse).toMatchObject({ url: 'http://ch:8123', user: 'vigil', password: 's3cret' });
    expect(c.dataDir).toBe('/tmp/vigil-x');
    expect(c.httpPort).toBe(9000);
    expect(c.apiKeys).toEqual([
      { name: derivedKeyName('adminkey123'), key: 'adminkey123', role: 'admin' },
      { name: derivedKeyName('analyst-key'), key: 'analyst-key', role: 'analyst' },
    ]);
    expect(c.apiKeys[0]!.name).toMatch(/^key-[0-9a-f]{12}$/);
    expect(c.httpHost).toBe('127.0.0.1');
    expect(c.logLevel).toBe('debug');
  });

  it('lists every bad key at once, never echoing a key secret', () => {
    const p = problems(() =>
      resolveConfig({
        env: {
          KAFKA_BROKERS: 'localhost',
          VIGIL_HTTP_PORT: 'eighty',
          VIGIL_API_KEYS: 'supersecretvalue:root,short:admin',
          VIGIL_LOG_LEVEL: 'loud',
        },
      }),
    );
    expect(p).toHaveLength(5);
    expect(p.join('\n')).toContain('KAFKA_BROKERS: expected host:port');
    expect(p.join('\n')).toContain('VIGIL_HTTP_PORT');
    expect(p.join('\n')).toContain('VIGIL_API_KEYS[0]: role must be one of');
    expect(p.join('\n')).toContain('VIGIL_API_KEYS[1]');
    expect(p.join('\n')).not.toContain('supersecretvalue');
  });

  it('reads a YAML file, rejecting unknown keys with their path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-config-'));
    const good = join(dir, 'good.yaml');
    writeFileSync(
      good,
      'topics:\n  alerts: my.alerts\ndetectors:\n  access.cross_tenant:\n    enabled: false\n',
    );
    const c = resolveConfig({ env: { VIGIL_CONFIG: good } });
    expect(c.topics.alerts).toBe('my.alerts');
    expect(c.topics.access).toBe('vigil.access');
    expect(c.detectors['access.cross_tenant']).toEqual({ enabled: false });

    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'topics:\n  alertz: x\npipeline:\n  shutdown_timeout_seconds: 0\n');
    const p = problems(() => resolveConfig({ env: {}, configFile: bad }));
    expect(p.some((s) => s.startsWith('file.topics') && s.includes('alertz'))).toBe(true);
    expect(p.some((s) => s.startsWith('file.pipeline.shutdown_timeout_seconds'))).toBe(true);
    expect(() => resolveConfig({ env: {}, configFile: join(dir, 'missing.yaml') })).toThrow(/VIGIL_CONFIG/);
  });

  it('reads named and tenant-scoped API keys, the older form beside them, and VIGIL_HTTP_HOST', () => {
    const c = resolveConfig({
      env: {
        VIGIL_API_KEYS:
          'alice:alice-key-123:analyst, soar:soar-key-1234:integration:acme|globex,legacy-key-1:admin',
        VIGIL_HTTP_HOST: '0.0.0.0',
      },
    });
    expect(c.apiKeys).toEqual([
      { name: 'alice', key: 'alice-key-123', role: 'analyst' },
      { name: 'soar', key: 'soar-key-1234', role: 'integration', tenants: ['acme', 'globex'] },
      { name: derivedKeyName('legacy-key-1'), key: 'legacy-key-1', role: 'admin' },
    ]);
    expect(c.httpHost).toBe('0.0.0.0');
    expect(c.api.rate_limit_per_minute).toBeGreaterThan(0);
  });

  it('rejects bad key names, scopes and duplicates without quoting a key', () => {
    const p = problems(() =>
      resolveConfig({
        env: {
          VIGIL_API_KEYS:
            'bad name:secretvalue1:analyst,ok:secretvalue2:analyst:,ok:secretvalue3:admin,x:secretvalue3:admin,a:b:c:d:e',
        },
      }),
    );
    expect(p.join('\n')).toContain('VIGIL_API_KEYS[0]: name must be');
    expect(p.join('\n')).toContain('VIGIL_API_KEYS[1]: tenants must be');
    expect(p.join('\n')).toContain('VIGIL_API_KEYS[2]: the name "ok" is used twice');
    expect(p.join('\n')).toContain('VIGIL_API_KEYS[3]: the same key is listed twice');
    expect(p.join('\n')).toContain('VIGIL_API_KEYS[4]: expected "name:key:role');
    expect(p.join('\n')).not.toMatch(/secretvalue/);
  });
});
