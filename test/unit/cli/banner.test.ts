import { describe, expect, it } from 'vitest';
import { consoleUrl, runAdminKey, runBanner } from '../../../services/cli/banner.ts';
import { resolveConfig } from '../../../shared/config/index.ts';

describe('vigil run banner', () => {
  it('generates an admin key for an embedded run without keys, a new one each run', () => {
    const config = resolveConfig({ env: { VIGIL_HTTP_PORT: '9090' } });
    const a = runAdminKey(config)!;
    const b = runAdminKey(config)!;
    expect(a).toMatchObject({ name: 'run-admin', role: 'admin' });
    expect(a.key).toMatch(/^vgl_[A-Za-z0-9_-]{32}$/);
    expect(a.key).not.toBe(b.key);
    const text = runBanner('all', config, a, true);
    expect(text).toContain('console and API on http://127.0.0.1:9090/');
    expect(text).toContain(a.key);
    expect(runBanner('all', config, a, false)).not.toContain(a.key);
  });

  it('makes none when keys are configured or Kafka is in use', () => {
    expect(runAdminKey(resolveConfig({ env: { VIGIL_API_KEYS: 'a:aaaaaaaa:admin' } }))).toBeUndefined();
    expect(runAdminKey(resolveConfig({ env: { KAFKA_BROKERS: '127.0.0.1:9092' } }))).toBeUndefined();
  });

  it('prints a reachable address for wildcard binds', () => {
    expect(consoleUrl(resolveConfig({ env: { VIGIL_HTTP_HOST: '0.0.0.0' } }))).toBe('http://127.0.0.1:8080/');
    expect(consoleUrl(resolveConfig({ env: { VIGIL_HTTP_HOST: '::1' } }))).toBe('http://[::1]:8080/');
  });
});
