/** POST /api/v1/events — HTTP ingest with the same validation as the Kafka path. */
import type { FastifyInstance } from 'fastify';
import { validateEvent } from '../../../shared/events/validate.ts';
import type { VigilEvent } from '../../../shared/events/types.ts';
import { MAX_ARRAY_ITEMS } from '../../../shared/events/limits.ts';
import { sendError } from '../auth.ts';

export interface IngestDeps {
  /** Publishes valid events to their topics; resolves once acknowledged. */
  publish(events: VigilEvent[]): Promise<void>;
  /** Records rejected items on the dead-letter topic. */
  reject(items: Array<{ raw: unknown; reason: string }>): Promise<void>;
}

export function eventRoutes(app: FastifyInstance, deps: IngestDeps): void {
  app.post('/api/v1/events', { config: { roles: ['integration', 'admin'] } }, async (request, reply) => {
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
      if (result.ok) valid.push(result.event);
      else {
        rejected.push({ index, reason: result.reason });
        deadLetters.push({ raw: item, reason: result.reason });
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
