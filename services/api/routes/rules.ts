/**
 * Scoped rules for platform teams (admin only): list, read, create or replace, delete —
 * saved in the `rules` state space and applied by running monitors at their next batch,
 * baselines kept. Rules from the config file are listed (source "file") but changed only
 * there. Proposals drafted from false-positive marks are listed and accepted or rejected
 * here; accepting applies the (possibly edited) rule.
 *
 * The false-positive hook: triage routes (alerts.ts) belong to the triage API; this file
 * hooks onto the response of `POST /api/v1/alerts/:id/actions` so a `false_positive` mark
 * returns `rule_proposal` (skip with `?propose_rule=false`) without changing that route.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { formatIssues } from '../../../shared/config/index.ts';
import type { Alert } from '../../../shared/events/types.ts';
import { isPlainObject } from '../../../shared/events/checks.ts';
import { VigilError } from '../../../shared/errors.ts';
import { RULE_ID, ruleSchema } from '../../../shared/pipeline/rule-schema.ts';
import type { ProposalStore } from '../../../shared/runtime/rule-proposals.ts';
import type { RulesHub } from '../../../shared/runtime/rules-hub.ts';
import type { ActionRecord } from '../../../shared/store/action-writer.ts';
import { sendError } from '../auth.ts';

export interface RuleDeps {
  rules: RulesHub;
  proposals: ProposalStore;
  /** Reads an alert (for drafting proposals). */
  alert(id: string): Promise<Alert | undefined>;
}

const ACTIONS_ROUTE = '/api/v1/alerts/:id/actions';

const actor = (request: FastifyRequest): string => `key:${request.principal?.name ?? 'unknown'}`;

export function ruleRoutes(app: FastifyInstance, deps: RuleDeps): void {
  const admin = { roles: ['admin'], unscoped: true } as const;

  app.get('/api/v1/rules', { config: admin }, async () => ({
    rules: deps.rules.list().map((r) => ({ ...r.rule, source: r.source })),
  }));

  app.get<{ Params: { id: string } }>('/api/v1/rules/:id', { config: admin }, async (request, reply) => {
    const found = deps.rules.get(request.params.id);
    if (found === undefined)
      return sendError(reply, 'VGL_ERR_API_NOT_FOUND', `Rule ${request.params.id.slice(0, 128)} not found.`);
    return { ...found.rule, source: found.source };
  });

  app.put<{ Params: { id: string } }>('/api/v1/rules/:id', { config: admin }, async (request, reply) => {
    const { id } = request.params;
    if (!RULE_ID.test(id))
      return sendError(
        reply,
        'VGL_ERR_API_BAD_REQUEST',
        'Bad request: rule ids are 1–128 of letters, digits, _.:-',
      );
    if (!isPlainObject(request.body))
      return sendError(reply, 'VGL_ERR_API_BAD_REQUEST', 'Bad request: expected a JSON rule object');
    const existed = deps.rules.get(id) !== undefined;
    const parsed = ruleSchema.safeParse({
      ...request.body,
      id,
      created_by: actor(request),
      created_at: new Date().toISOString(),
    });
    const problems = parsed.success
      ? deps.rules.problems(parsed.data)
      : formatIssues(parsed.error.issues, 'rule');
    if (!parsed.success || problems.length > 0) {
      const conflict = problems.some((p) => p.includes('defined in the config file'));
      return sendError(
        reply,
        conflict ? 'VGL_ERR_RULE_CONFLICT' : 'VGL_ERR_CONFIG_INVALID',
        `Invalid rule ${id}`,
        problems,
      );
    }
    await deps.rules.put(parsed.data);
    request.log.info({ rule: id, by: request.principal?.name, effect: parsed.data.effect }, 'rule saved');
    return reply.code(existed ? 200 : 201).send({ ...parsed.data, source: 'api' });
  });

  app.delete<{ Params: { id: string } }>('/api/v1/rules/:id', { config: admin }, async (request, reply) => {
    const found = deps.rules.get(request.params.id);
    if (found?.source === 'file')
      return sendError(
        reply,
        'VGL_ERR_RULE_CONFLICT',
        `Conflict: rule ${found.rule.id} is defined in the config file; remove it there.`,
      );
    if (!(await deps.rules.delete(request.params.id)))
      return sendError(reply, 'VGL_ERR_API_NOT_FOUND', `Rule ${request.params.id.slice(0, 128)} not found.`);
    request.log.info({ rule: request.params.id, by: request.principal?.name }, 'rule deleted');
    return reply.code(204).send();
  });

  app.get<{ Querystring: { status?: string } }>(
    '/api/v1/rule-proposals',
    { config: admin },
    async (request) => {
      const status = request.query.status;
      const valid = status === 'pending' || status === 'accepted' || status === 'rejected';
      return { proposals: deps.proposals.list(valid ? status : undefined) };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/rule-proposals/:id/accept',
    { config: admin },
    async (request, reply) => {
      const edits = request.body ?? {};
      if (!isPlainObject(edits))
        return sendError(
          reply,
          'VGL_ERR_API_BAD_REQUEST',
          'Bad request: expected a JSON object of rule edits',
        );
      try {
        return await deps.proposals.accept(request.params.id, edits, actor(request));
      } catch (err) {
        if (err instanceof VigilError && err.code === 'VGL_ERR_CONFIG_INVALID')
          return sendError(reply, err.code, 'Invalid rule', (err.context['problems'] as string[]) ?? []);
        throw err;
      }
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/rule-proposals/:id/reject',
    { config: admin },
    async (request) => deps.proposals.reject(request.params.id, actor(request)),
  );

  app.addHook('preSerialization', async (request, reply, payload) => {
    if (request.routeOptions.url !== ACTIONS_ROUTE || reply.statusCode !== 201) return payload;
    const record = payload as ActionRecord;
    if (record.action !== 'false_positive') return payload;
    if ((request.query as Record<string, unknown>)['propose_rule'] === 'false') return payload;
    const alert = await deps.alert(record.alert_id);
    if (alert === undefined) return payload;
    const proposal = await deps.proposals.propose(alert, {
      actor: record.actor,
      note: record.note,
      atMs: Date.parse(record.at),
    });
    return { ...record, rule_proposal: proposal };
  });
}
