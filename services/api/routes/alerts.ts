/**
 * Triage routes: list and read alerts, record actions on them. A tenant-scoped key sees
 * only its tenants' alerts: others do not exist for it (404, never 403, so a scoped key
 * cannot probe for ids). The actor of an action is the key's name, never the body's word.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { formatIssues } from '../../../shared/config/index.ts';
import { SEVERITIES } from '../../../shared/events/types.ts';
import type { AlertQueries } from '../../../shared/store/alert-queries.ts';
import type { EventQueries } from '../../../shared/store/event-queries.ts';
import { TRIAGE_ACTIONS, type ActionStore } from '../../../shared/store/action-writer.ts';
import type { ClickHouseClient } from '../../../shared/store/client.ts';
import { principalOf, sendError } from '../auth.ts';
import { alertDetail } from '../alert-detail.ts';

export interface AlertDeps {
  queries: AlertQueries;
  actions: ActionStore;
  events: EventQueries;
  /** For the overview's aggregations. */
  client: ClickHouseClient;
  db: string;
}

const CATEGORIES = [
  'drift',
  'extraction',
  'abuse',
  'exfiltration',
  'access',
  'facility',
  'physical',
  'cyber_physical',
] as const;
const STATUSES = ['open', 'acknowledged', 'assigned', 'resolved', 'false_positive'] as const;

const list = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .string()
    .transform((s) => s.split(',').filter((x) => x !== ''))
    .pipe(z.array(z.enum(values)));

export const time = z.string().transform((s, ctx) => {
  const ms = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
  if (Number.isNaN(ms)) ctx.addIssue({ code: 'custom', message: 'expected RFC 3339 or epoch milliseconds' });
  return ms;
});

export const listQuery = z.strictObject({
  from: time.optional(),
  to: time.optional(),
  severity: list(SEVERITIES as unknown as ['info', 'low', 'medium', 'high', 'critical']).optional(),
  category: list(CATEGORIES).optional(),
  detector: z
    .string()
    .max(512)
    .describe('Comma-separated detector ids; "access.*" matches a prefix.')
    .optional(),
  entity: z.string().max(512).optional(),
  entity_type: z.enum(['model', 'principal', 'device', 'zone', 'badge', 'site']).optional(),
  tenant: z.string().max(256).optional(),
  status: list(STATUSES).optional(),
  q: z.string().max(256).optional(),
  sort: z.enum(['last_seen', 'score']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(512).optional(),
});

export const actionBody = z.strictObject({
  action: z.enum(TRIAGE_ACTIONS),
  assignee: z.string().min(1).max(256).optional(),
  note: z.string().max(4096).optional(),
});

const alertId = z.string().regex(/^[0-9a-f]{32}$/, 'expected a 32-character alert id');
const badId = 'Bad request: expected a 32-character alert id';

export function alertRoutes(app: FastifyInstance, deps: AlertDeps): void {
  const readers = { roles: ['admin', 'analyst', 'integration'] } as const;

  app.get('/api/v1/alerts', { config: readers }, async (request, reply) => {
    const parsed = listQuery.safeParse(request.query);
    if (!parsed.success) {
      return sendError(
        reply,
        'VGL_ERR_API_BAD_REQUEST',
        'Bad request: invalid query',
        formatIssues(parsed.error.issues),
      );
    }
    const q = parsed.data;
    const { tenants } = principalOf(request);
    return deps.queries.list({
      ...(q.from !== undefined && { from: q.from }),
      ...(q.to !== undefined && { to: q.to }),
      ...(q.severity && { severities: q.severity }),
      ...(q.category && { categories: q.category }),
      ...(q.detector !== undefined && { detectors: q.detector.split(',').filter((d) => d !== '') }),
      ...(q.entity !== undefined && { entityId: q.entity }),
      ...(q.entity_type !== undefined && { entityType: q.entity_type }),
      ...(q.tenant !== undefined && { tenant: q.tenant }),
      ...(tenants !== undefined && { tenants }),
      ...(q.status && { status: q.status }),
      ...(q.q !== undefined && { text: q.q }),
      ...(q.sort !== undefined && { sort: q.sort }),
      ...(q.cursor !== undefined && { cursor: q.cursor }),
      limit: q.limit,
    });
  });

  app.get<{ Params: { id: string } }>('/api/v1/alerts/:id', { config: readers }, async (request, reply) => {
    const id = alertId.safeParse(request.params.id);
    if (!id.success) return sendError(reply, 'VGL_ERR_API_BAD_REQUEST', badId);
    const { tenants } = principalOf(request);
    const alert = await deps.queries.get(id.data, tenants);
    if (alert === undefined) return sendError(reply, 'VGL_ERR_API_NOT_FOUND', `Alert ${id.data} not found.`);
    return alertDetail(deps, alert, tenants);
  });

  app.post<{ Params: { id: string } }>(
    '/api/v1/alerts/:id/actions',
    { config: { roles: ['admin', 'analyst'] } },
    async (request, reply) => {
      if (typeof request.body === 'object' && request.body !== null && 'actor' in request.body) {
        return sendError(
          reply,
          'VGL_ERR_API_BAD_REQUEST',
          'Bad request: the actor is the API key that sends the action (its name); remove "actor" from the body',
        );
      }
      const id = alertId.safeParse(request.params.id);
      const body = actionBody.safeParse(request.body);
      if (!id.success || !body.success) {
        const issues = [...(id.success ? [] : ['id: expected a 32-character alert id'])];
        if (!body.success) issues.push(...formatIssues(body.error.issues, 'body'));
        return sendError(reply, 'VGL_ERR_API_BAD_REQUEST', 'Bad request: invalid action', issues);
      }
      if (body.data.action === 'assign' && !body.data.assignee) {
        return sendError(reply, 'VGL_ERR_API_BAD_REQUEST', 'Bad request: assign needs an assignee');
      }
      const principal = principalOf(request);
      if ((await deps.queries.get(id.data, principal.tenants)) === undefined) {
        return sendError(reply, 'VGL_ERR_API_NOT_FOUND', `Alert ${id.data} not found.`);
      }
      const record = await deps.actions.append({
        alert_id: id.data,
        actor: principal.name,
        role: principal.role,
        action: body.data.action,
        assignee: body.data.assignee ?? '',
        note: body.data.note ?? '',
      });
      return reply.code(201).send(record);
    },
  );
}
