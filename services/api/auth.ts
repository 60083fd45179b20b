/**
 * API-key authentication and role checks. Every route is protected unless it opts out
 * with `config: { public: true }`; a route names the roles it allows in `config.roles`.
 * Keys are compared by constant-time digest; a key never appears in logs or errors.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKey, Role } from '../../shared/config/index.ts';
import { ERRORS } from '../../shared/errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    public?: boolean;
    roles?: readonly Role[];
  }
  interface FastifyRequest {
    principal?: { role: Role; keyId: string };
  }
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

export function sendError(
  reply: FastifyReply,
  code: keyof typeof ERRORS,
  message: string,
  details?: unknown,
) {
  const status = (ERRORS[code] as { httpStatus?: number }).httpStatus ?? 500;
  return reply.code(status).send({ error: { code, message, ...(details === undefined ? {} : { details }) } });
}

export function registerAuth(app: FastifyInstance, keys: readonly ApiKey[]): void {
  const known = keys.map((k) => ({
    digest: digest(k.key),
    role: k.role,
    // A non-secret id for audit trails: the digest's prefix.
    keyId: digest(k.key).toString('hex').slice(0, 12),
  }));

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const config = request.routeOptions.config;
    if (config.public === true) return;
    const header = request.headers.authorization;
    const match = header !== undefined ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    const presented = match?.[1] !== undefined ? digest(match[1]) : undefined;
    const key = presented !== undefined ? known.find((k) => timingSafeEqual(k.digest, presented)) : undefined;
    if (key === undefined) {
      return sendError(reply, 'VGL_ERR_API_UNAUTHENTICATED', ERRORS.VGL_ERR_API_UNAUTHENTICATED.message);
    }
    request.principal = { role: key.role, keyId: key.keyId };
    const roles = config.roles;
    if (roles === undefined || !roles.includes(key.role)) {
      return sendError(
        reply,
        'VGL_ERR_API_FORBIDDEN',
        `Role "${key.role}" may not ${request.method} ${request.routeOptions.url ?? request.url}.`,
      );
    }
  });
}
