/**
 * GET /api/v1/stream — Server-Sent Events of new and updated alerts, as they reach the
 * alerts topic. Each event is `event: alert`, `id: <alert_id>:<event_count>`, `data: <alert>`;
 * a comment line every `heartbeatMs` keeps proxies from closing an idle stream. Optional
 * filters: severity (minimum), category, detector. Concurrent streams are capped.
 */
import { EventEmitter } from 'node:events';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { formatIssues } from '../../../shared/config/index.ts';
import { SEVERITIES, type Alert } from '../../../shared/events/types.ts';
import { sendError } from '../auth.ts';

/** Alerts as they arrive; the API service feeds it from the alerts topic. */
export class AlertFeed extends EventEmitter<{ alert: [Alert] }> {
  publish(alerts: readonly Alert[]): void {
    for (const a of alerts) this.emit('alert', a);
  }
}

export interface StreamDeps {
  feed: AlertFeed;
  maxStreams?: number;
  heartbeatMs?: number;
}

const query = z.strictObject({
  severity: z.enum(SEVERITIES as unknown as [string, ...string[]]).optional(),
  category: z.string().max(64).optional(),
  detector: z.string().max(512).optional(),
});

export function streamRoutes(app: FastifyInstance, deps: StreamDeps): void {
  const maxStreams = deps.maxStreams ?? 100;
  const heartbeatMs = deps.heartbeatMs ?? 15_000;
  let open = 0;
  deps.feed.setMaxListeners(maxStreams + 10);

  app.get(
    '/api/v1/stream',
    { config: { roles: ['admin', 'analyst', 'integration'] } },
    async (request, reply) => {
      const parsed = query.safeParse(request.query);
      if (!parsed.success) {
        return sendError(
          reply,
          'VGL_ERR_API_BAD_REQUEST',
          'Bad request: invalid query',
          formatIssues(parsed.error.issues),
        );
      }
      if (open >= maxStreams) {
        return sendError(reply, 'VGL_ERR_API_BUSY', 'Too many open streams; retry later.');
      }
      const minSeverity =
        parsed.data.severity === undefined ? 0 : SEVERITIES.indexOf(parsed.data.severity as never);
      const detectors = parsed.data.detector?.split(',');
      const category = parsed.data.category;

      open++;
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(': vigil alert stream\n\n');
      const onAlert = (alert: Alert): void => {
        if (SEVERITIES.indexOf(alert.severity) < minSeverity) return;
        if (category !== undefined && alert.category !== category) return;
        if (detectors !== undefined && !detectors.includes(alert.detector)) return;
        res.write(
          `event: alert\nid: ${alert.alert_id}:${alert.event_count}\ndata: ${JSON.stringify(alert)}\n\n`,
        );
      };
      const heartbeat = setInterval(() => res.write(': ping\n\n'), heartbeatMs);
      deps.feed.on('alert', onAlert);
      const close = (): void => {
        clearInterval(heartbeat);
        deps.feed.off('alert', onAlert);
        open--;
      };
      request.raw.once('close', close);
    },
  );
}
