/**
 * Triage verdicts as backtest labels (the partial form read by shared/backtest/labels.ts):
 * a resolved alert is a confirmed detection — an attack label expecting that detector on
 * that entity over the alert's span; a false-positive mark is a benign label, so a config
 * that still raises it is charged a false alert and one that stays quiet is not.
 */
import type { AlertCategory, EntityType } from '../events/types.ts';
import type { Label } from '../simulate/label.ts';
import type { VerdictRow } from '../store/feedback-queries.ts';

/** One alert with its latest verdict (shared/store/feedback-queries.ts). */
export type Verdict = VerdictRow;

export interface FeedbackLabels {
  source: 'feedback';
  complete: false;
  exported_at: string;
  labels: Label[];
}

/** ClickHouse prints microseconds; labels use the alert contract's millisecond RFC 3339. */
const iso = (text: string): string => new Date(Date.parse(text)).toISOString();

export function feedbackLabels(verdicts: readonly Verdict[], nowMs: number): FeedbackLabels {
  return {
    source: 'feedback',
    complete: false,
    exported_at: new Date(nowMs).toISOString(),
    labels: verdicts.map((v) => ({
      name: v.action === 'false_positive' ? 'false_positive' : 'resolved',
      category: v.category as AlertCategory,
      detectors: [v.detector as Label['detectors'][number]],
      entity: { type: v.entity_type as EntityType, id: v.entity_id },
      tenant: v.tenant,
      start: iso(v.first_seen),
      end: iso(v.last_seen),
      ...(v.action === 'false_positive' && { benign: true }),
      params: { alert_id: v.alert_id, actor: v.actor, note: v.note, marked_at: iso(v.at), title: v.title },
    })),
  };
}
