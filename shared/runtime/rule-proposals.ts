/**
 * Rule proposals (shared/tuning/proposal.ts), kept in the `rule-proposals` state space so
 * they survive restarts and every API process sees the same list. Accepting one puts its
 * rule (as edited by the admin) through the RulesHub like any API rule.
 */
import { vigilError } from '../errors.ts';
import type { Alert } from '../events/types.ts';
import { ruleSchema } from '../pipeline/rule-schema.ts';
import { proposeRule, type FalsePositiveMark, type RuleProposal } from '../tuning/proposal.ts';
import type { ServiceContext } from './context.ts';
import type { RulesHub } from './rules-hub.ts';
import { StateSpace } from './state-space.ts';

export const PROPOSALS_SPACE = 'rule-proposals';

export class ProposalStore {
  private readonly proposals = new Map<string, RuleProposal>();
  private readonly space: StateSpace;

  constructor(
    ctx: ServiceContext,
    private readonly rules: RulesHub,
  ) {
    this.space = new StateSpace(ctx, PROPOSALS_SPACE);
  }

  async start(): Promise<void> {
    await this.space.start((id, value) => {
      if (value === null) this.proposals.delete(id);
      else this.proposals.set(id, value as RuleProposal);
    });
  }

  list(status?: RuleProposal['status']): RuleProposal[] {
    return [...this.proposals.values()]
      .filter((p) => status === undefined || p.status === status)
      .sort((a, b) => b.proposed_at.localeCompare(a.proposed_at));
  }

  get(id: string): RuleProposal | undefined {
    return this.proposals.get(id);
  }

  /** Drafts (or redrafts) the proposal for a false-positive mark on `alert`. */
  async propose(alert: Alert, mark: FalsePositiveMark): Promise<RuleProposal> {
    const proposal = proposeRule(alert, mark);
    await this.save(proposal);
    return proposal;
  }

  /** Accepts a pending proposal, with the admin's edits to its rule; returns the updated proposal. */
  async accept(
    id: string,
    edits: Record<string, unknown>,
    by: string,
    nowMs = Date.now(),
  ): Promise<RuleProposal> {
    const proposal = this.pending(id);
    const parsed = ruleSchema.safeParse({ ...proposal.rule, ...edits, created_by: by });
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(rule)'}: ${i.message}`);
      throw vigilError('VGL_ERR_CONFIG_INVALID', [problems.join('; ')], { context: { problems } });
    }
    await this.rules.put(parsed.data);
    const decided = {
      ...proposal,
      status: 'accepted' as const,
      decided_by: by,
      decided_at: new Date(nowMs).toISOString(),
    };
    await this.save({ ...decided, accepted_rule_id: parsed.data.id });
    return this.proposals.get(id)!;
  }

  async reject(id: string, by: string, nowMs = Date.now()): Promise<RuleProposal> {
    const proposal = this.pending(id);
    await this.save({
      ...proposal,
      status: 'rejected',
      decided_by: by,
      decided_at: new Date(nowMs).toISOString(),
    });
    return this.proposals.get(id)!;
  }

  async stop(): Promise<void> {
    await this.space.stop();
  }

  private pending(id: string): RuleProposal {
    const proposal = this.proposals.get(id);
    if (proposal === undefined)
      throw vigilError('VGL_ERR_API_NOT_FOUND', [`Rule proposal ${id.slice(0, 64)}`]);
    if (proposal.status !== 'pending')
      throw vigilError('VGL_ERR_RULE_CONFLICT', [`proposal ${id} is already ${proposal.status}`]);
    return proposal;
  }

  private async save(proposal: RuleProposal): Promise<void> {
    await this.space.save(proposal.proposal_id, proposal);
    this.proposals.set(proposal.proposal_id, proposal);
  }
}
