import { describe, expect, it } from 'vitest';
import { compileSelector, globToRegExp } from '../../../services/alert-sink/delivery/selector.ts';
import { FalsePositiveCache } from '../../../services/alert-sink/delivery/suppression.ts';
import { alert } from '../../fixtures/alerts/sample-alerts.ts';

const log = { debug() {}, info() {}, warn() {}, error() {} };

describe('output selection', () => {
  it('applies severity floor, categories, detector globs and tenants together', () => {
    const select = compileSelector({
      min_severity: 'high',
      categories: ['exfiltration', 'access'],
      detectors: ['access.*'],
      tenants: ['acme'],
    });
    const base = { detector: 'access.volume', category: 'exfiltration' as const, tenant: 'acme' };
    expect(select(alert({ ...base, severity: 'high' }))).toBe(true);
    expect(select(alert({ ...base, severity: 'medium' }))).toBe(false);
    expect(select(alert({ ...base, severity: 'critical', tenant: 'globex' }))).toBe(false);
    expect(select(alert({ ...base, severity: 'critical', detector: 'inference.behavior' }))).toBe(false);
    expect(select(alert({ ...base, severity: 'critical', category: 'drift' }))).toBe(false);
    expect(
      compileSelector({ min_severity: 'info', categories: [], detectors: [], tenants: [] })(alert()),
    ).toBe(true);
  });

  it('treats glob metacharacters literally except * and ?', () => {
    expect(globToRegExp('access.*').test('access.volume')).toBe(true);
    expect(globToRegExp('access.*').test('accessXvolume')).toBe(false);
    expect(globToRegExp('inference.drift.?nput').test('inference.drift.input')).toBe(true);
  });
});

describe('false-positive suppression', () => {
  const marked = alert({ alert_id: 'm'.repeat(32), entity: { type: 'principal', id: 'bob' } });
  const mark = {
    alert_id: marked.alert_id,
    marked_at_ms: 1_000_000,
    detector: marked.detector,
    tenant: marked.tenant,
    entity_type: 'principal',
    entity_id: 'bob',
  };

  it('suppresses updates of the marked alert for suppress_minutes, then lets them through', async () => {
    let now = 1_000_000 + 60_000;
    const cache = new FalsePositiveCache({ since: async () => [mark] }, 3_600_000, log, () => now);
    await cache.refresh();
    const config = { suppress_minutes: 30, match: 'alert' as const };
    expect(cache.suppresses({ ...marked, event_count: 9 }, config)).toBe(true);
    expect(cache.suppresses(alert({ entity: { type: 'principal', id: 'bob' } }), config)).toBe(false);
    expect(cache.suppresses(marked, { ...config, suppress_minutes: 0 })).toBe(false);
    now = 1_000_000 + 31 * 60_000;
    expect(cache.suppresses(marked, config)).toBe(false);
  });

  it('with match: entity, suppresses other alerts of the same detector and entity', async () => {
    const cache = new FalsePositiveCache({ since: async () => [mark] }, 3_600_000, log, () => 1_000_001);
    await cache.refresh();
    const sameEntity = alert({ alert_id: 'n'.repeat(32), entity: { type: 'principal', id: 'bob' } });
    expect(cache.suppresses(sameEntity, { suppress_minutes: 30, match: 'entity' })).toBe(true);
    expect(cache.suppresses(sameEntity, { suppress_minutes: 30, match: 'alert' })).toBe(false);
  });

  it('keeps the last known marks when the store cannot be read', async () => {
    let fail = false;
    const cache = new FalsePositiveCache(
      {
        since: async () => {
          if (fail) throw new Error('ClickHouse down');
          return [mark];
        },
      },
      3_600_000,
      log,
      () => 1_000_001,
    );
    await cache.refresh();
    fail = true;
    await cache.refresh();
    expect(cache.suppresses(marked, { suppress_minutes: 30, match: 'alert' })).toBe(true);
  });
});
