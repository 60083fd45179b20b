/**
 * Alerts as Elastic Common Schema (ECS 9.4) documents, sent as NDJSON to Elastic's `_bulk`
 * API: a `create` action whose `_id` is the alert id, then the document. `create` is what
 * data streams accept, and with `_id` fixed a redelivered alert is refused as a duplicate
 * (409, counted as delivered) instead of indexed twice. Elastic then keeps an alert's first
 * delivered state; `elastic.id: revision` makes `_id` `<alert_id>:<event_count>` so each
 * revision is its own document. Every field outside `vigil.*` is an
 * ECS field of a compatible type — checked against ECS's own field list in
 * test/schemas/ecs-fields.test.ts.
 */
import type { Alert, AlertCategory } from '../../../shared/events/types.ts';
import { idempotencyId } from '../delivery/coalesce.ts';
import { VIGIL_VERSION } from './product.ts';

export const ECS_VERSION = '9.4.0';

/** event.category buckets (ECS allowed values) for each Vigil category. */
const CATEGORY: Record<AlertCategory, string[]> = {
  drift: ['intrusion_detection'],
  extraction: ['intrusion_detection', 'api'],
  abuse: ['intrusion_detection', 'api'],
  exfiltration: ['intrusion_detection', 'database'],
  access: ['intrusion_detection', 'iam'],
  facility: ['intrusion_detection', 'host'],
  physical: ['intrusion_detection'],
  cyber_physical: ['intrusion_detection', 'host'],
};

/** ECS event.severity is numeric; Vigil's five levels, spaced like syslog's reversed. */
const SEVERITY = { info: 21, low: 47, medium: 73, high: 99, critical: 100 } as const;

/** MITRE ATT&CK for ICS ids are T08xx; ATLAS ids start "AML."; the rest is Enterprise ATT&CK. */
function framework(id: string): string {
  if (id.startsWith('AML.')) return 'MITRE ATLAS';
  if (/^T08\d\d/.test(id)) return 'MITRE ATT&CK for ICS';
  return 'MITRE ATT&CK';
}

function threat(techniques: readonly string[]): Record<string, unknown> | undefined {
  if (techniques.length === 0) return undefined;
  const parents = techniques.map((t) => t.replace(/\.\d{3}$/, ''));
  const subs = techniques.filter((t) => /\.\d{3}$/.test(t));
  return {
    framework: framework(techniques[0]!),
    technique: {
      id: [...new Set(parents)],
      ...(subs.length > 0 && { subtechnique: { id: subs } }),
    },
  };
}

function entityFields(alert: Alert): Record<string, unknown> {
  const { type, id } = alert.entity;
  if (type === 'principal') return { user: { name: id, id }, related: { user: [id] } };
  if (type === 'device') return { host: { name: id, id, type: 'facility-device' }, related: { hosts: [id] } };
  return {};
}

export function toEcs(alert: Alert): Record<string, unknown> {
  const threatFields = threat(alert.techniques);
  return {
    '@timestamp': alert.last_seen,
    message: alert.description,
    ecs: { version: ECS_VERSION },
    event: {
      kind: 'alert',
      category: CATEGORY[alert.category],
      type: ['indicator'],
      severity: SEVERITY[alert.severity],
      risk_score: alert.score,
      risk_score_norm: alert.score,
      id: idempotencyId(alert),
      created: alert.detected_at,
      start: alert.first_seen,
      end: alert.last_seen,
      provider: 'vigil',
      dataset: 'vigil.alerts',
      module: 'vigil',
      reason: alert.title,
    },
    rule: {
      id: alert.detector,
      name: alert.detector,
      category: alert.category,
      description: alert.title,
      ruleset: 'vigil',
      version: VIGIL_VERSION,
    },
    ...(threatFields !== undefined && { threat: threatFields }),
    observer: { vendor: 'Vigil', product: 'Vigil', type: 'anomaly-detector', version: VIGIL_VERSION },
    organization: { id: alert.tenant },
    entity: { id: alert.entity.id, type: [alert.entity.type] },
    ...entityFields(alert),
    vigil: {
      alert_id: alert.alert_id,
      category: alert.category,
      severity: alert.severity,
      tenant: alert.tenant,
      event_count: alert.event_count,
      evidence: alert.evidence,
      related: alert.related,
      techniques: alert.techniques,
    },
  };
}

/** The `_bulk` body: action line + document line per alert, newline-terminated. */
export function ecsBulkBody(
  alerts: readonly Alert[],
  options: { index?: string | undefined; id?: 'alert' | 'revision' } = {},
): string {
  let body = '';
  for (const alert of alerts) {
    const _id = options.id === 'revision' ? idempotencyId(alert) : alert.alert_id;
    const action = { create: { _id, ...(options.index !== undefined && { _index: options.index }) } };
    body += `${JSON.stringify(action)}\n${JSON.stringify(toEcs(alert))}\n`;
  }
  return body;
}
