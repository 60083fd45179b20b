import { describe, expect, it } from 'vitest';
import { chartPlan } from '../../../services/api/chart-measure.ts';
import type { Alert } from '../../../shared/events/types.ts';

const base: Alert = {
  alert_id: 'a'.repeat(32),
  detector: 'access.volume',
  category: 'exfiltration',
  severity: 'high',
  score: 80,
  tenant: 'acme',
  entity: { type: 'principal', id: 'eve' },
  title: 't',
  description: 'd',
  first_seen: '2026-03-02T10:00:00.000Z',
  last_seen: '2026-03-02T10:05:00.000Z',
  detected_at: '2026-03-02T10:05:00.000Z',
  event_count: 3,
  evidence: {
    statistic: 'z',
    observed: 9e9,
    expected: 1e6,
    threshold: 4,
    window: '1h',
    sample_event_ids: [],
  },
  techniques: [],
  related: [],
};
const alert = (fields: Partial<Alert>): Alert => ({ ...base, ...fields });

describe('chartPlan', () => {
  it('charts a facility metric from the evidence, with its band, on the device', () => {
    const plan = chartPlan(
      alert({
        detector: 'facility.metric',
        entity: { type: 'device', id: 'ups-1' },
        evidence: { ...base.evidence, metric: 'load_pct', expected: 41, expected_range: [47, 35] },
      }),
      undefined,
    );
    expect(plan).toEqual({
      type: 'facility',
      match: [{ path: ['device_id'], value: 'ups-1' }],
      measure: { agg: 'avg', field: ['metrics', 'load_pct'] },
      label: 'load_pct (mean per minute)',
      band: [35, 47],
      expected: 41,
    });
  });

  it('follows an evidence.measure hint from detectors it does not know', () => {
    const plan = chartPlan(
      alert({
        detector: 'access.something_new',
        evidence: {
          ...base.evidence,
          measure: { agg: 'sum', field: 'records', where: { outcome: 'allowed', n: 3 } },
          expected: 10,
          expected_range: [0, 20],
        },
      }),
      undefined,
    );
    expect(plan).toMatchObject({
      type: 'access',
      entity: 'eve',
      match: [],
      measure: { agg: 'sum', field: ['records'], where: [{ path: ['outcome'], value: 'allowed' }] },
      band: [0, 20],
      expected: 10,
    });
  });

  it('uses the detector id table without a band, and counts events otherwise', () => {
    const volume = chartPlan(alert({}), undefined);
    expect(volume).toMatchObject({
      measure: { agg: 'sum', field: ['bytes'] },
      label: 'bytes read per minute',
    });
    expect(volume).not.toHaveProperty('band');
    const unknown = chartPlan(
      alert({ detector: 'inference.extraction.prada', entity: { type: 'principal', id: 'p1' } }),
      undefined,
    );
    expect(unknown).toMatchObject({
      type: 'inference',
      match: [{ path: ['principal'], value: 'p1' }],
      measure: { agg: 'count' },
      label: 'events per minute',
    });
    // A detector of a new stream prefix: the type of its sample events decides.
    expect(
      chartPlan(alert({ detector: 'novel.thing', entity: { type: 'zone', id: 'fra1/hall' } }), 'facility'),
    ).toMatchObject({
      type: 'facility',
      entity: 'fra1/hall',
    });
    expect(chartPlan(alert({ detector: 'novel.thing' }), undefined)).toBeUndefined();
  });

  it('draws no chart for incidents: they get a timeline of their parts', () => {
    expect(
      chartPlan(alert({ detector: 'correlation.incident', related: ['b'.repeat(32)] }), 'access'),
    ).toBeUndefined();
    expect(
      chartPlan(alert({ detector: 'cyber_physical.correlation', related: ['b'.repeat(32)] }), undefined),
    ).toBeUndefined();
  });
});
