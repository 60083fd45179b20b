/** GET /api/v1/overview — alerts per hour by category, top detectors and entities, over a range. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { formatIssues } from '../../../shared/config/index.ts';
import { alertOverview, latestAlertStart } from '../../../shared/store/alert-overview.ts';
import { principalOf, sendError } from '../auth.ts';
import { time, type AlertDeps } from './alerts.ts';

const HOUR = 3_600_000;
const MAX_RANGE_MS = 31 * 24 * HOUR;

export const overviewQuery = z.strictObject({
  from: time.optional(),
  to: time.optional(),
  hours: z.coerce.number().int().min(1).max(744).default(24),
  tenant: z.string().max(256).optional(),
  top: z.coerce.number().int().min(1).max(50).default(10),
});

export function overviewRoutes(app: FastifyInstance, deps: AlertDeps): void {
  app.get(
    '/api/v1/overview',
    { config: { roles: ['admin', 'analyst', 'integration'] } },
    async (request, reply) => {
      const parsed = overviewQuery.safeParse(request.query);
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
      const to = q.to ?? (await latestStart(deps, tenants));
      const from = q.from ?? to - q.hours * HOUR;
      if (!(from < to) || to - from > MAX_RANGE_MS) {
        return sendError(
          reply,
          'VGL_ERR_API_BAD_REQUEST',
          'Bad request: from must be before to, at most 31 days',
        );
      }
      return alertOverview(deps.client, deps.db, {
        from,
        to,
        top: q.top,
        ...(q.tenant !== undefined && { tenant: q.tenant }),
        ...(tenants !== undefined && { tenants }),
      });
    },
  );
}

/** Now, or the hour after the newest alert's start when event time runs ahead of the clock. */
async function latestStart(deps: AlertDeps, tenants: readonly string[] | undefined): Promise<number> {
  const latest = await latestAlertStart(deps.client, deps.db, tenants);
  return Math.max(Date.now(), latest === undefined ? 0 : Math.ceil((latest + 1) / HOUR) * HOUR);
}
