/**
 * Alert bodies for SIEM webhooks. `json`: `{"alerts":[…]}` as Vigil stores them.
 * `splunk_hec`: one HEC event object per alert, concatenated (the /services/collector/event
 * batch form). `ocsf`: OCSF 1.4 Detection Finding (class 2004), one per alert, as a JSON array.
 */
import type { Alert, Severity } from '../../../shared/events/types.ts';

export type WebhookFormat = 'json' | 'ocsf' | 'splunk_hec';

const OCSF_SEVERITY: Record<Severity, number> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };

export function toOcsf(alert: Alert): Record<string, unknown> {
  const activity = alert.event_count > 1 ? 2 : 1;
  return {
    class_uid: 2004,
    class_name: 'Detection Finding',
    category_uid: 2,
    category_name: 'Findings',
    activity_id: activity,
    activity_name: activity === 1 ? 'Create' : 'Update',
    type_uid: 200400 + activity,
    time: Date.parse(alert.last_seen),
    severity_id: OCSF_SEVERITY[alert.severity],
    severity: alert.severity[0]!.toUpperCase() + alert.severity.slice(1),
    status_id: 1,
    status: 'New',
    is_alert: true,
    risk_score: Math.round(alert.score),
    message: alert.description,
    metadata: {
      version: '1.4.0',
      uid: alert.alert_id,
      product: { name: 'Vigil', vendor_name: 'Vigil' },
      tenant_uid: alert.tenant,
      logged_time: Date.parse(alert.detected_at),
    },
    finding_info: {
      uid: alert.alert_id,
      title: alert.title,
      desc: alert.description,
      types: [alert.category],
      first_seen_time: Date.parse(alert.first_seen),
      last_seen_time: Date.parse(alert.last_seen),
      analytic: { uid: alert.detector, name: alert.detector, type_id: 99, type: 'Statistical' },
      related_events_count: alert.event_count,
      ...(alert.related.length > 0 && { related_analytics: alert.related.map((uid) => ({ uid })) }),
    },
    resources: [{ uid: alert.entity.id, type: alert.entity.type }],
    ...(alert.techniques.length > 0 && { attacks: alert.techniques.map((uid) => ({ technique: { uid } })) }),
    unmapped: { evidence: alert.evidence },
  };
}

export function formatBody(format: WebhookFormat, alerts: readonly Alert[]): string {
  if (format === 'ocsf') return JSON.stringify(alerts.map(toOcsf));
  if (format === 'splunk_hec') {
    return alerts
      .map((alert) =>
        JSON.stringify({
          time: Date.parse(alert.last_seen) / 1000,
          source: 'vigil',
          sourcetype: 'vigil:alert',
          event: alert,
        }),
      )
      .join('\n');
  }
  return JSON.stringify({ alerts });
}
