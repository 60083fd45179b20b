/**
 * The HTTP API (DESIGN.md §7) as a fastify instance: authentication first, then one
 * plugin per route group. Bodies are bounded (1 MiB, the event contract's message limit).
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ApiKey } from '../../shared/config/index.ts';
import { MAX_MESSAGE_BYTES } from '../../shared/events/limits.ts';
import type { Logger } from '../../shared/log/logger.ts';
import type { DetectorConfigHub } from '../../shared/runtime/detector-config.ts';
import { registerAuth, sendError } from './auth.ts';
import { alertRoutes, type AlertDeps } from './routes/alerts.ts';
import { eventRoutes, type IngestDeps } from './routes/events.ts';
import { detectorRoutes } from './routes/detectors.ts';
import { healthRoutes, type HealthDeps } from './routes/health.ts';
import { ruleRoutes, type RuleDeps } from './routes/rules.ts';
import { streamRoutes, type StreamDeps } from './routes/stream.ts';
import { VigilError } from '../../shared/errors.ts';

export interface AppDeps {
  apiKeys: readonly ApiKey[];
  log: Logger;
  health: HealthDeps;
  ingest: IngestDeps;
  alerts: AlertDeps;
  stream: StreamDeps;
  detectors: DetectorConfigHub;
  /** Scoped rules and proposals (routes/rules.ts); absent: no rules API. */
  rules?: RuleDeps;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast keeps the instance's default generics.
    loggerInstance: deps.log.child({ service: 'api' }) as FastifyBaseLogger,
    // Request lines would carry query strings into logs; errors are logged explicitly.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: MAX_MESSAGE_BYTES,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    // SSE streams never go idle; closing the server must end them.
    forceCloseConnections: true,
  });
  registerAuth(app, deps.apiKeys);
  app.setErrorHandler((error, request, reply) => {
    if (error instanceof VigilError) {
      if (error.httpStatus !== undefined && error.httpStatus < 500) {
        return sendError(reply, error.code, error.message);
      }
      request.log.error({ code: error.code, err: error.message }, 'request failed');
      return reply
        .code(503)
        .send({ error: { code: error.code, message: 'Temporarily unavailable; retry later.' } });
    }
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status < 500) {
      return reply
        .code(status)
        .send({ error: { code: 'VGL_ERR_API_BAD_REQUEST', message: (error as Error).message } });
    }
    request.log.error({ err: (error as Error).message }, 'request failed');
    return reply.code(500).send({ error: { code: 'VGL_ERR_API_INTERNAL', message: 'Internal error' } });
  });
  app.setNotFoundHandler({}, (request, reply) =>
    sendError(
      reply,
      'VGL_ERR_API_NOT_FOUND',
      `Route ${request.method} ${request.url.split('?')[0]} not found.`,
    ),
  );
  healthRoutes(app, deps.health);
  eventRoutes(app, deps.ingest);
  alertRoutes(app, deps.alerts);
  streamRoutes(app, deps.stream);
  detectorRoutes(app, deps.detectors);
  if (deps.rules !== undefined) ruleRoutes(app, deps.rules);
  return app;
}
