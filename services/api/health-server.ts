/**
 * The health endpoint of a worker process (`vigil run <monitor>` without the api):
 * `/healthz`, `/readyz` (public, for orchestrator probes: ready once every service runs
 * and every assigned partition's state is restored) and `/metrics` (an API key, as on
 * the api). Nothing else is served.
 */
import Fastify from 'fastify';
import type { ServiceContext } from '../../shared/runtime/context.ts';
import type { RunningService } from '../../shared/runtime/service.ts';
import { enforce, identify } from './auth.ts';
import { healthRoutes } from './routes/health.ts';

export async function startHealthServer(
  ctx: ServiceContext,
  notReady: () => string[],
  listen: { port: number; host: string },
): Promise<RunningService & { address: string }> {
  const app = Fastify({ logger: false, bodyLimit: 1024, return503OnClosing: true });
  identify(app, ctx.config.apiKeys);
  enforce(app);
  healthRoutes(app, { notReady, registry: ctx.metrics.registry });
  const address = await app.listen(listen);
  ctx.log.info({ address }, 'health endpoint listening');
  return { name: 'health', address, ready: () => true, stop: () => app.close() };
}
