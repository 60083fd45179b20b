import { describe, expect, it } from 'vitest';
import { toEcs } from '../../../services/alert-sink/outputs/ecs.ts';
import { ocsfActivity, toOcsf } from '../../../services/alert-sink/outputs/ocsf.ts';
import { hecBody } from '../../../services/alert-sink/outputs/splunk-hec.ts';
import { jsonPayload } from '../../../services/alert-sink/outputs/webhook.ts';
import type { Alert } from '../../../shared/events/types.ts';
import { alert } from '../../fixtures/alerts/sample-alerts.ts';

const item = (a: Alert) => ({
  alert: a,
  id: `${a.alert_id}:${a.event_count}`,
  source: { topic: 't', partition: 0, offset: '0' },
  key: null,
  raw: Buffer.from(JSON.stringify(a)),
});

describe('OCSF Detection Finding', () => {
  it('maps create, update and close to activity 1, 2, 3 and type_uid 200401–200403', () => {
    expect(toOcsf(alert())).toMatchObject({ activity_id: 1, type_uid: 200401, status_id: 1 });
    expect(toOcsf(alert({ event_count: 3 }))).toMatchObject({ activity_id: 2, type_uid: 200402 });
    expect(ocsfActivity({ ...alert({ event_count: 3 }), status: 'closed' } as Alert)).toBe(3);
  });

  it('puts the analytic (Statistical, 3) and MITRE ids under finding_info, not at the top', () => {
    const doc = toOcsf(alert({ techniques: ['T1567.002', 'AML.T0024'] }));
    expect(doc).not.toHaveProperty('attacks');
    expect(doc['finding_info']).toMatchObject({
      uid: 'a'.repeat(32),
      analytic: { uid: 'facility.metric', type_id: 3, type: 'Statistical' },
      attacks: [
        { technique: { uid: 'T1567' }, sub_technique: { uid: 'T1567.002' } },
        { technique: { uid: 'AML.T0024' } },
      ],
    });
    expect(doc['metadata']).toMatchObject({ version: '1.8.0', uid: `${'a'.repeat(32)}:1` });
  });

  it('carries the evidence as an anomaly analysis in 1.8.0 and under unmapped in 1.4.0', () => {
    const v18 = toOcsf(alert());
    expect(v18['anomaly_analyses']).toMatchObject([
      {
        analysis_targets: [{ name: 'ups-1', type: 'device' }],
        anomalies: [{ observation_parameter: 'z', observations: [{ value: '97' }] }],
        baselines: [{ observations: [{ value: '47' }] }],
      },
    ]);
    const v14 = toOcsf(alert(), '1.4.0');
    expect(v14).not.toHaveProperty('anomaly_analyses');
    expect(v14['unmapped']).toMatchObject({ vigil: { evidence: { observed: 97, expected: 47 } } });
  });
});

describe('ECS', () => {
  it('is an alert with MITRE technique ids, rule = detector, Vigil fields under vigil.*', () => {
    const doc = toEcs(alert({ techniques: ['T1567.002'], entity: { type: 'principal', id: 'bob' } }));
    expect(doc).toMatchObject({
      '@timestamp': '2026-03-02T10:05:00.000Z',
      event: { kind: 'alert', category: ['intrusion_detection', 'host'], severity: 73 },
      rule: { id: 'facility.metric' },
      threat: {
        framework: 'MITRE ATT&CK',
        technique: { id: ['T1567'], subtechnique: { id: ['T1567.002'] } },
      },
      user: { name: 'bob' },
      vigil: { alert_id: 'a'.repeat(32), event_count: 1 },
    });
  });
});

describe('Splunk HEC and json bodies', () => {
  it('writes one HEC event per line with index, host, source and the idempotency id', () => {
    const body = hecBody([item(alert()), item(alert({ alert_id: 'b'.repeat(32) }))], {
      index: 'security',
      host: 'vigil-1',
      source: 'vigil',
      sourcetype: 'vigil:alert',
      ack: false,
      ack_poll_ms: 1000,
      ack_timeout_ms: 1000,
    });
    const lines = body.split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      time: Date.parse('2026-03-02T10:05:00.000Z') / 1000,
      index: 'security',
      host: 'vigil-1',
      source: 'vigil',
      sourcetype: 'vigil:alert',
      fields: { vigil_id: `${'a'.repeat(32)}:1` },
      event: { alert_id: 'a'.repeat(32) },
    });
  });

  it('wraps json alerts as Standard Webhooks payloads', () => {
    expect(JSON.parse(jsonPayload(alert({ event_count: 2 })))).toMatchObject({
      type: 'alert.updated',
      timestamp: '2026-03-02T10:05:01.000Z',
      data: { alert_id: 'a'.repeat(32) },
    });
  });
});
