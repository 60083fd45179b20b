/**
 * Alerts as OCSF Detection Findings (class 2004), validated in tests against the official
 * schemas (test/schemas/). Vigil emits OCSF 1.8.0 by default: its Anomaly Analysis object
 * (`anomaly_analyses`: analysis targets, anomalies and baselines made of observations) is
 * where a statistical detector's evidence belongs — observed value against baseline, the
 * statistic, the window — so the evidence travels in OCSF's own objects instead of
 * `unmapped`. 1.4.0 lacks that object; `ocsf_version: "1.4.0"` keeps older OCSF pipelines
 * working and then carries the same facts under `unmapped.vigil`.
 *
 * activity_id: 1 Create (first revision, event_count 1), 2 Update (later revisions),
 * 3 Close (a revision that says it is closed). finding_info.analytic.type_id 3 is
 * "Statistical". MITRE ATT&CK / ATLAS ids go to finding_info.attacks, sub-techniques
 * ("T1567.002", "AML.T0024.001") split into technique and sub_technique.
 */
import type { Alert, Severity } from '../../../shared/events/types.ts';
import { idempotencyId } from '../delivery/coalesce.ts';
import { VIGIL_VERSION } from './product.ts';

export type OcsfVersion = '1.8.0' | '1.4.0';
export type OcsfFinding = Record<string, unknown>;

const SEVERITY: Record<Severity, [number, string]> = {
  info: [1, 'Informational'],
  low: [2, 'Low'],
  medium: [3, 'Medium'],
  high: [4, 'High'],
  critical: [5, 'Critical'],
};

const ACTIVITY = { 1: 'Create', 2: 'Update', 3: 'Close' } as const;

export function ocsfActivity(alert: Alert): 1 | 2 | 3 {
  const status = (alert as Alert & { status?: unknown }).status;
  if (status === 'closed' || status === 'resolved') return 3;
  return alert.event_count <= 1 ? 1 : 2;
}

function attacks(techniques: readonly string[]): Record<string, unknown>[] {
  return techniques.map((uid) => {
    const sub = /^(.*T\d{4})\.(\d{3})$/.exec(uid);
    return sub === null ? { technique: { uid } } : { technique: { uid: sub[1] }, sub_technique: { uid } };
  });
}

/** Evidence in OCSF's own objects where one exists for the entity; the rest stays Vigil's. */
function evidences(alert: Alert): Record<string, unknown>[] {
  const { type, id } = alert.entity;
  if (type === 'principal') return [{ user: { uid: id, name: id } }];
  // A UPS or cooling unit: OCSF has no device type for it, hence 99 "Other".
  if (type === 'device') return [{ device: { uid: id, name: id, type_id: 99, type: 'Facility device' } }];
  return [{ data: { entity_type: type, entity_id: id } }];
}

function anomalyAnalysis(alert: Alert): Record<string, unknown> {
  const e = alert.evidence;
  const span = { start_time: Date.parse(alert.first_seen), end_time: Date.parse(alert.last_seen) };
  return {
    analysis_targets: [{ name: alert.entity.id, type: alert.entity.type }],
    anomalies: [
      {
        observation_parameter: e.statistic,
        observation_type: alert.detector,
        observations: [{ value: String(e.observed), count: alert.event_count, timespan: span }],
        observed_pattern: alert.description,
      },
    ],
    baselines: [
      {
        observation_parameter: e.statistic,
        observation_type: alert.detector,
        observations: [{ value: String(e.expected) }],
        observed_pattern: `threshold ${String(e.threshold)} over ${e.window}`,
      },
    ],
  };
}

export function toOcsf(alert: Alert, version: OcsfVersion = '1.8.0'): OcsfFinding {
  const activity = ocsfActivity(alert);
  const [severityId, severity] = SEVERITY[alert.severity];
  const closed = activity === 3;
  const { sample_event_ids: samples, statistic, observed, expected, ...rest } = alert.evidence;
  // 1.8.0 carries statistic, observed and expected in anomaly_analyses; the rest stays ours.
  const evidence = version === '1.8.0' ? rest : { statistic, observed, expected, ...rest };
  const related = [
    ...alert.related.map((uid) => ({ uid, type: 'finding' })),
    ...samples.map((uid) => ({ uid, type: 'event' })),
  ];
  return {
    class_uid: 2004,
    class_name: 'Detection Finding',
    category_uid: 2,
    category_name: 'Findings',
    activity_id: activity,
    activity_name: ACTIVITY[activity],
    type_uid: 200400 + activity,
    type_name: `Detection Finding: ${ACTIVITY[activity]}`,
    time: Date.parse(alert.last_seen),
    start_time: Date.parse(alert.first_seen),
    end_time: Date.parse(alert.last_seen),
    count: alert.event_count,
    severity_id: severityId,
    severity,
    status_id: closed ? 4 : activity === 1 ? 1 : 2,
    status: closed ? 'Resolved' : activity === 1 ? 'New' : 'In Progress',
    is_alert: true,
    risk_score: Math.round(alert.score),
    message: alert.title,
    metadata: {
      version,
      uid: idempotencyId(alert),
      correlation_uid: alert.alert_id,
      product: { name: 'Vigil', vendor_name: 'Vigil', version: VIGIL_VERSION },
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
      analytic: {
        uid: alert.detector,
        name: alert.detector,
        type_id: 3,
        type: 'Statistical',
        category: alert.category,
        ...(version === '1.8.0' && { algorithm: alert.evidence.statistic }),
      },
      ...(alert.techniques.length > 0 && { attacks: attacks(alert.techniques) }),
      related_events_count: alert.event_count,
      ...(related.length > 0 && { related_events: related }),
    },
    resources: [{ uid: alert.entity.id, name: alert.entity.id, type: alert.entity.type }],
    evidences: evidences(alert),
    ...(version === '1.8.0' && { anomaly_analyses: [anomalyAnalysis(alert)] }),
    unmapped: {
      vigil: { score: alert.score, evidence },
    },
  };
}
