/**
 * POST /api/v1/events — HTTP ingest with the same validation as the Kafka path. A
 * tenant-scoped key ingests only its tenants' events: any other tenant (including the
 * default one an event without `tenant` gets) is rejected per item, like an invalid field.
 */
import type { FastifyInstance } from 'fastify';
import { validateEvent } from '../../../shared/events/validate.ts';
import type { VigilEvent } from '../../../shared/events/types.ts';
import { MAX_ARRAY_ITEMS } from '../../../shared/events/limits.ts';
import { canSee, principalOf, sendError } from '../auth.ts';

export interface IngestDeps {
  /** Publishes valid events to their topics; resolves once acknowledged. */
  publish(events: VigilEvent[]): Promise<void>;
  /** Records rejected items on the dead-letter topic. */
  reject(items: Array<{ raw: unknown; reason: string }>): Promise<void>;
}

export function eventRoutes(app: FastifyInstance, deps: IngestDeps): void {
  app.post('/api/v1/events', { config: { roles: ['integration', 'admin'] } }, async (request, reply) => {
    const principal = principalOf(request);
    const body = request.body;
    const items: unknown[] = Array.isArray(body) ? body : [body];
    if (items.length > MAX_ARRAY_ITEMS) {
      return sendError(
        reply,
        'VGL_ERR_API_BAD_REQUEST',
        `Bad request: at most ${MAX_ARRAY_ITEMS} events per request`,
      );
    }
    const valid: VigilEvent[] = [];
    const rejected: Array<{ index: number; reason: string }> = [];
    const deadLetters: Array<{ raw: unknown; reason: string }> = [];
    items.forEach((item, index) => {
      const result = validateEvent(item);
      const reason = !result.ok
        ? result.reason
        : !canSee(principal, result.event.tenant)
          ? `tenant: key "${principal.name}" may ingest only tenants ${principal.tenants?.join(', ')}, got "${result.event.tenant.slice(0, 128)}"`
          : undefined;
      if (result.ok && reason === undefined) valid.push(result.event);
      else if (reason !== undefined) {
        rejected.push({ index, reason });
        deadLetters.push({ raw: item, reason });
      }
    });
    await Promise.all([deps.publish(valid), deadLetters.length > 0 ? deps.reject(deadLetters) : undefined]);
    if (valid.length === 0) {
      return sendError(
        reply,
        'VGL_ERR_EVENT_INVALID',
        `Invalid event: ${rejected[0]?.reason ?? 'empty body'}`,
        {
          rejected,
        },
      );
    }
    return reply.code(202).send({ accepted: valid.length, rejected });
  });
}
