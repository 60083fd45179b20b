/**
 * The HTTP API (docs/architecture.md, "HTTP API") as a fastify instance: security headers, authentication and
 * per-key rate limits first, then one plugin per route group and the console at `/`.
 * Bodies are bounded (1 MiB, the event contract's message limit). CORS stays closed: no
 * route sends Access-Control-Allow-* headers, so browsers keep other origins out.
 */
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ApiConfig, ApiKey } from '../../shared/config/index.ts';
import { MAX_MESSAGE_BYTES } from '../../shared/events/limits.ts';
import type { Logger } from '../../shared/log/logger.ts';
import type { DetectorConfigHub } from '../../shared/runtime/detector-config.ts';
import { enforce, identify, sendError } from './auth.ts';
import type { ConsoleBundle } from './console/bundle.ts';
import { alertRoutes, type AlertDeps } from './routes/alerts.ts';
import { consoleRoutes } from './routes/console.ts';
import { eventRoutes, type IngestDeps } from './routes/events.ts';
import { detectorRoutes } from './routes/detectors.ts';
import { healthRoutes, type HealthDeps } from './routes/health.ts';
import { overviewRoutes } from './routes/overview.ts';
import { sessionRoutes } from './routes/session.ts';
import { ruleRoutes, type RuleDeps } from './routes/rules.ts';
import { streamRoutes, type StreamDeps } from './routes/stream.ts';
import { ERRORS, VigilError } from '../../shared/errors.ts';

export interface AppDeps {
  apiKeys: readonly ApiKey[];
  api: ApiConfig;
  log: Logger;
  health: HealthDeps;
  ingest: IngestDeps;
  alerts: AlertDeps;
  stream: StreamDeps;
  detectors: DetectorConfigHub;
  console: ConsoleBundle;
  /** Scoped rules and proposals (routes/rules.ts); absent: no rules API. */
  rules?: RuleDeps;
}

/** The console's policy: everything from this origin, nothing inline, nothing external. */
const CSP = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'"],
  connectSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

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
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CSP },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
  });
  identify(app, deps.apiKeys);
  const perMinute = deps.api.rate_limit_per_minute;
  await app.register(rateLimit, {
    max: perMinute,
    timeWindow: 60_000,
    // Known keys by name; anything else (no key, unknown key) by client address.
    keyGenerator: (request) =>
      request.principal !== undefined ? `key:${request.principal.name}` : `ip:${request.ip}`,
    errorResponseBuilder: (request, context) => {
      const who = request.principal !== undefined ? `key "${request.principal.name}"` : 'this address';
      return Object.assign(new Error(ERRORS.VGL_ERR_API_RATE_LIMITED.message), {
        statusCode: 429,
        vigil: new VigilError('VGL_ERR_API_RATE_LIMITED', [perMinute, who, context.after]),
      });
    },
  });
  enforce(app);
  app.setErrorHandler((error, request, reply) => {
    const vigil =
      error instanceof VigilError ? error : ((error as { vigil?: unknown }).vigil as VigilError | undefined);
    if (vigil instanceof VigilError) {
      if (vigil.httpStatus !== undefined && vigil.httpStatus < 500) {
        return sendError(reply, vigil.code, vigil.message);
      }
      request.log.error({ code: vigil.code, err: vigil.message }, 'request failed');
      return reply
        .code(503)
        .send({ error: { code: vigil.code, message: 'Temporarily unavailable; retry later.' } });
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
  sessionRoutes(app);
  eventRoutes(app, deps.ingest);
  alertRoutes(app, deps.alerts);
  overviewRoutes(app, deps.alerts);
  streamRoutes(app, deps.stream);
  detectorRoutes(app, deps.detectors);
  consoleRoutes(app, deps.console);
  if (deps.rules !== undefined) ruleRoutes(app, deps.rules);
  return app;
}
