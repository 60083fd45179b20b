/** Liveness, readiness, Prometheus metrics and the OpenAPI document. */
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { buildOpenApi } from '../openapi.ts';

export interface HealthDeps {
  /** Names of services that are not (yet) ready; empty when all are. */
  notReady(): string[];
  registry: Registry;
}

export function healthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  app.get('/healthz', { config: { public: true, rateLimit: false } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { public: true, rateLimit: false } }, async (_request, reply) => {
    const waiting = deps.notReady();
    return reply.code(waiting.length === 0 ? 200 : 503).send({ ready: waiting.length === 0, waiting });
  });
  const openapi = buildOpenApi();
  app.get('/openapi.json', { config: { roles: ['admin', 'analyst', 'integration'] } }, async () => openapi);
  app.get('/metrics', { config: { roles: ['admin', 'analyst', 'integration'] } }, async (_request, reply) => {
    return reply.type(deps.registry.contentType).send(await deps.registry.metrics());
  });
}
