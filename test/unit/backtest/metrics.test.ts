/** Backtest scoring: per-detector metrics against complete and partial labels, the JSON contract, the report. */
import { describe, expect, it } from 'vitest';
import { backtestHtml } from '../../../shared/backtest/html.ts';
import { parseLabels, type LabelSet } from '../../../shared/backtest/labels.ts';
import { detectorMetrics } from '../../../shared/backtest/metrics.ts';
import { backtestJson, backtestTable, type ConfigResult } from '../../../shared/backtest/report.ts';
import type { Alert } from '../../../shared/events/types.ts';
import { sniffTypeForTest, typeGroups } from '../../../services/cli/backtest/run-configs.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-02T00:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString();

function alert(
  detector: string,
  entity: string,
  atMs: number,
  type: Alert['entity']['type'] = 'principal',
): Alert {
  return {
    alert_id: `${detector}-${entity}-${atMs}`,
    detector,
    category: 'access',
    severity: 'high',
    score: 80,
    tenant: 'acme',
    entity: { type, id: entity },
    title: 't',
    description: 'd',
    first_seen: iso(atMs),
    last_seen: iso(atMs),
    detected_at: iso(0),
    event_count: 1,
    evidence: { statistic: 's', observed: 1, expected: 0, threshold: 1, window: 'w', sample_event_ids: [] },
    techniques: [],
    related: [],
  };
}

const labels: LabelSet = parseLabels([
  {
    name: 'exfil',
    category: 'exfiltration',
    detectors: ['access.volume'],
    entity: { type: 'principal', id: 'eve' },
    tenant: 'acme',
    start: iso(T0 + DAY),
    end: iso(T0 + DAY + 3_600_000),
    params: {},
  },
  {
    name: 'cooling',
    category: 'facility',
    detectors: ['facility.metric'],
    entity: { type: 'zone', id: 'fra1/hall-1' },
    tenant: 'acme',
    start: iso(T0 + 2 * DAY),
    end: iso(T0 + 2 * DAY + 3_600_000),
    params: {},
  },
  {
    name: 'look-alike',
    category: 'access',
    detectors: ['access.volume'],
    entity: { type: 'principal', id: 'etl' },
    tenant: 'acme',
    start: iso(T0 + 3 * DAY),
    end: iso(T0 + 3 * DAY + 3_600_000),
    benign: true,
    params: {},
  },
]);

describe('detectorMetrics', () => {
  const alerts = [
    alert('access.volume', 'eve', T0 + DAY + 10 * 60_000), // detects exfil after 10 min
    alert('access.volume', 'eve', T0 + DAY + 30 * 60_000), // a second alert on it: also true
    alert('access.volume', 'etl', T0 + 3 * DAY + 60_000), // the benign look-alike: false
    alert('access.volume', 'bob', T0 + 4 * DAY), // nothing labelled: false
    alert('facility.metric', 'crac-fra1-hall-1-1', T0 + 2 * DAY + 20 * 60_000, 'device'), // device in the zone
  ];

  it('complete labels: unlabelled alerts are false; device alerts match their zone', () => {
    const m = detectorMetrics(
      ['access.volume', 'facility.metric', 'access.off_hours'],
      alerts,
      labels,
      7 * DAY,
    );
    expect(m).toEqual({
      'access.volume': {
        alerts: 4,
        precision: 0.5,
        recall: 1,
        median_delay_minutes: 10,
        false_alerts_per_day: 0.286,
      },
      'facility.metric': {
        alerts: 1,
        precision: 1,
        recall: 1,
        median_delay_minutes: 20,
        false_alerts_per_day: 0,
      },
      'access.off_hours': {
        alerts: 0,
        precision: null,
        recall: null,
        median_delay_minutes: null,
        false_alerts_per_day: 0,
      },
    });
  });

  it('partial labels (triage feedback): only false-positive marks count as false', () => {
    const partial = { ...labels, complete: false };
    expect(detectorMetrics(['access.volume'], alerts, partial, 7 * DAY)['access.volume']).toEqual({
      alerts: 4,
      precision: 0.6667,
      recall: 1,
      median_delay_minutes: 10,
      false_alerts_per_day: 0.143,
    });
  });

  it('without labels: precision, recall and delay are null; every alert counts as unconfirmed', () => {
    expect(detectorMetrics(['access.volume'], alerts, undefined, 2 * DAY)['access.volume']).toEqual({
      alerts: 4,
      precision: null,
      recall: null,
      median_delay_minutes: null,
      false_alerts_per_day: 2,
    });
  });

  it('a missed attack gives recall 0 and no delay', () => {
    const m = detectorMetrics(['access.volume'], [], labels, DAY)['access.volume']!;
    expect([m.recall, m.median_delay_minutes, m.precision]).toEqual([0, null, null]);
  });
});

describe('labels files', () => {
  it('accepts the simulator array and the feedback object; refuses anything else with the path', () => {
    expect(parseLabels([]).complete).toBe(true);
    expect(parseLabels({ source: 'feedback', labels: [] }).complete).toBe(false);
    expect(() => parseLabels([{ name: 'x' }], 'l.json')).toThrow(
      /Labels file l\.json is not usable: 0\.detectors/,
    );
  });
});

describe('report', () => {
  const result = (config: string, alerts: number): ConfigResult => ({
    config,
    detectors: {
      'access.volume': {
        alerts,
        precision: 0.5,
        recall: null,
        median_delay_minutes: null,
        false_alerts_per_day: 1,
      },
    },
    events: 10,
    invalid: 0,
    alerts: [alert('access.volume', 'eve<script>', T0)],
    ruleCounts: config === 'default' ? {} : { 'quiet-etl': 3 },
    detectorFailures: 0,
  });

  it('JSON is exactly the contract shape', () => {
    expect(JSON.stringify(backtestJson([result('default', 2), result('b.yaml', 1)]))).toBe(
      '{"configs":[{"config":"default","detectors":{"access.volume":{"alerts":2,"precision":0.5,"recall":null,"median_delay_minutes":null,"false_alerts_per_day":1}}},' +
        '{"config":"b.yaml","detectors":{"access.volume":{"alerts":1,"precision":0.5,"recall":null,"median_delay_minutes":null,"false_alerts_per_day":1}}}]}',
    );
  });

  it('the table lists every detector and config, then totals and rules applied', () => {
    const table = backtestTable([result('default', 2), result('b.yaml', 1)]);
    expect(table.split('\n').slice(0, 4)).toEqual([
      'detector       config   alerts  precision  recall  delay_min  false/day',
      '-------------  -------  ------  ---------  ------  ---------  ---------',
      'access.volume  default       2      0.500       –          –      1.000',
      '               b.yaml        1      0.500       –          –      1.000',
    ]);
    expect(table).toContain('b.yaml: 10 events, 1 alerts; rules applied: quiet-etl 3');
  });

  it('HTML is self-contained, escaped, and charts every config', () => {
    const html = backtestHtml([result('default', 2), result('b<.yaml', 1)], {
      input: 'x',
      fromMs: T0,
      toMs: T0 + DAY,
      labels: undefined,
      seconds: 1,
    });
    expect(html).not.toMatch(/(src|href)=|<script|@import|url\(/);
    expect(html.match(/<polyline/g)).toHaveLength(2);
    expect(html).toContain('b&lt;.yaml');
  });
});

describe('splitting a config by event type', () => {
  it('groups types per thread count and sniffs one-event lines only', () => {
    expect(typeGroups(1)).toEqual([['inference', 'access', 'facility']]);
    expect(typeGroups(2)).toEqual([['facility'], ['inference', 'access']]);
    expect(sniffTypeForTest('{"type":"access","event_id":"a"}')).toBe('access');
    expect(sniffTypeForTest('{"type": "facility","x":{"type":"ups"}}')).toBeUndefined();
    expect(sniffTypeForTest('[{"type":"access"}]')).toBeUndefined();
    expect(sniffTypeForTest('{"event_id":"a"}')).toBeUndefined();
  });
});
