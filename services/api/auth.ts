/**
 * API-key authentication and role checks, in two steps around the rate limiter:
 * `identify` (onRequest) finds the key and never answers, so that the limiter, which runs
 * next, counts guesses of unknown keys per client address and known keys by their name;
 * `enforce` (preParsing, before any body is read) answers 401 or 403. Every route is
 * protected unless it opts out with `config: { public: true }`; a route names the roles it
 * allows in `config.roles`, and `config.unscoped` when a tenant-scoped key may not use it.
 * Keys are compared by constant-time digest; a key never appears in logs or errors.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKey, Role } from '../../shared/config/index.ts';
import { ERRORS } from '../../shared/errors.ts';

export interface Principal {
  /** The key's name: the actor in the audit trail. */
  name: string;
  role: Role;
  /** Tenants the key may see and ingest; undefined = every tenant. */
  tenants: readonly string[] | undefined;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    public?: boolean;
    roles?: readonly Role[];
    /** The route acts on every tenant (detector config): tenant-scoped keys may not use it. */
    unscoped?: boolean;
  }
  interface FastifyRequest {
    principal?: Principal;
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

/** The principal of a request that passed `enforce` on a protected route. */
export function principalOf(request: FastifyRequest): Principal {
  const p = request.principal;
  if (p === undefined) throw new TypeError('route is not protected by an API key');
  return p;
}

/** True when the principal may see `tenant`'s data. */
export const canSee = (p: Principal, tenant: string): boolean =>
  p.tenants === undefined || p.tenants.includes(tenant);

export function identify(app: FastifyInstance, keys: readonly ApiKey[]): void {
  const known = keys.map((k) => ({
    digest: digest(k.key),
    principal: Object.freeze({ name: k.name, role: k.role, tenants: k.tenants }),
  }));
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    const match = header !== undefined ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (match?.[1] === undefined) return;
    const presented = digest(match[1]);
    const key = known.find((k) => timingSafeEqual(k.digest, presented));
    if (key !== undefined) request.principal = key.principal;
  });
}

export function enforce(app: FastifyInstance): void {
  app.addHook('preParsing', async (request: FastifyRequest, reply: FastifyReply) => {
    const config = request.routeOptions.config;
    if (config.public === true) return;
    const p = request.principal;
    // A preParsing hook's return value replaces the body stream, so these return nothing.
    if (p === undefined) {
      sendError(reply, 'VGL_ERR_API_UNAUTHENTICATED', ERRORS.VGL_ERR_API_UNAUTHENTICATED.message);
      return;
    }
    if (request.is404) return;
    const what = `${request.method} ${request.routeOptions.url ?? request.url}`;
    if (config.roles === undefined || !config.roles.includes(p.role)) {
      sendError(reply, 'VGL_ERR_API_FORBIDDEN', `Role "${p.role}" may not ${what}.`);
      return;
    }
    if (config.unscoped === true && p.tenants !== undefined) {
      sendError(
        reply,
        'VGL_ERR_API_FORBIDDEN',
        `Key "${p.name}" is scoped to tenants and may not ${what}, which acts on every tenant.`,
      );
    }
  });
}
