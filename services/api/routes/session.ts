/** GET /api/v1/me — who the presented key is: the console decides what to offer from it. */
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../auth.ts';

export function sessionRoutes(app: FastifyInstance): void {
  app.get('/api/v1/me', { config: { roles: ['admin', 'analyst', 'integration'] } }, async (request) => {
    const { name, role, tenants } = principalOf(request);
    return {
      name,
      role,
      tenants: tenants ?? null,
      can: {
        triage: role === 'admin' || role === 'analyst',
        ingest: role === 'admin' || role === 'integration',
        configure: role === 'admin' && tenants === undefined,
      },
    };
  });
}
