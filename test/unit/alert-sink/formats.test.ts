import { describe, expect, it } from 'vitest';
import { formatBody, toOcsf } from '../../../services/alert-sink/outputs/formats.ts';
import type { Alert } from '../../../shared/events/types.ts';

const alert = (over: Partial<Alert> = {}): Alert => ({
  alert_id: 'a'.repeat(32),
  detector: 'facility.metric',
  category: 'facility',
  severity: 'medium',
  score: 71.4,
  tenant: 'acme',
  entity: { type: 'device', id: 'ups-1' },
  title: 'load_pct jump',
  description: 'load_pct read 97 against 40–55',
  first_seen: '2026-03-02T10:00:00.000Z',
  last_seen: '2026-03-02T10:05:00.000Z',
  detected_at: '2026-03-02T10:00:01.000Z',
  event_count: 1,
  evidence: {
    statistic: 'z',
    observed: 97,
    expected: 47,
    threshold: 0.7,
    window: '24h',
    sample_event_ids: ['e1'],
  },
  techniques: ['T0827'],
  related: [],
  ...over,
});

describe('SIEM formats', () => {
  it('maps an alert to an OCSF Detection Finding, create then update', () => {
    const created = toOcsf(alert());
    expect(created).toMatchObject({
      class_uid: 2004,
      category_uid: 2,
      activity_id: 1,
      type_uid: 200401,
      severity_id: 3,
      severity: 'Medium',
      risk_score: 71,
      time: Date.parse('2026-03-02T10:05:00.000Z'),
      finding_info: {
        uid: 'a'.repeat(32),
        title: 'load_pct jump',
        first_seen_time: Date.parse('2026-03-02T10:00:00.000Z'),
        analytic: { uid: 'facility.metric' },
      },
      attacks: [{ technique: { uid: 'T0827' } }],
      unmapped: { evidence: { observed: 97 } },
    });
    expect(toOcsf(alert({ event_count: 3, severity: 'critical' }))).toMatchObject({
      activity_id: 2,
      type_uid: 200402,
      severity_id: 5,
    });
  });

  it('writes Splunk HEC events one per line and plain JSON as {alerts}', () => {
    const lines = formatBody('splunk_hec', [alert(), alert({ alert_id: 'b'.repeat(32) })]).split('\n');
    expect(lines.map((l) => JSON.parse(l).event.alert_id)).toEqual(['a'.repeat(32), 'b'.repeat(32)]);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      time: Date.parse('2026-03-02T10:05:00.000Z') / 1000,
      sourcetype: 'vigil:alert',
    });
    expect(JSON.parse(formatBody('json', [alert()]))).toEqual({ alerts: [alert()] });
  });
});
