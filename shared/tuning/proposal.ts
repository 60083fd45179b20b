/**
 * Rule proposals from triage: an analyst marks an alert false positive, and Vigil drafts
 * the narrowest rule that would have kept it quiet — `skip_alert` for that detector, that
 * entity and that tenant, expiring 30 days of event time after the alert — for an admin to
 * review, edit and accept through the rules API. Nothing is applied until then.
 */
import type { Alert } from '../events/types.ts';
import { ruleSchema, type RuleConfig } from '../pipeline/rule-schema.ts';

export const PROPOSAL_STATUSES = ['pending', 'accepted', 'rejected'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

export interface RuleProposal {
  proposal_id: string;
  status: ProposalStatus;
  alert_id: string;
  detector: string;
  entity: Alert['entity'];
  proposed_by: string;
  proposed_at: string;
  note: string;
  rule: RuleConfig;
  decided_by?: string;
  decided_at?: string;
  /** Id of the rule created on acceptance (the proposal's, or the admin's edit). */
  accepted_rule_id?: string;
}

/** How long a proposed suppression lasts, in event time after the alert's last evidence. */
export const PROPOSAL_EXPIRY_DAYS = 30;

export interface FalsePositiveMark {
  actor: string;
  note: string;
  /** Wall-clock ms of the mark. */
  atMs: number;
}

export function proposeRule(alert: Alert, mark: FalsePositiveMark): RuleProposal {
  // One proposal per alert: marking it again replaces the draft.
  const id = `fp-${alert.alert_id.slice(0, 16)}`;
  const expires = new Date(Date.parse(alert.last_seen) + PROPOSAL_EXPIRY_DAYS * 86_400_000).toISOString();
  const why = mark.note.trim() === '' ? alert.title : mark.note.trim();
  const rule = ruleSchema.parse({
    id,
    reason: `False positive marked by ${mark.actor} on alert ${alert.alert_id}: ${why}`.slice(0, 2000),
    effect: 'skip_alert',
    match: {
      detectors: [alert.detector],
      entity: { type: alert.entity.type, id: alert.entity.id },
      tenant: alert.tenant,
    },
    expires,
    created_by: mark.actor,
    created_at: new Date(mark.atMs).toISOString(),
  });
  return {
    proposal_id: id,
    status: 'pending',
    alert_id: alert.alert_id,
    detector: alert.detector,
    entity: alert.entity,
    proposed_by: mark.actor,
    proposed_at: new Date(mark.atMs).toISOString(),
    note: mark.note,
    rule,
  };
}
