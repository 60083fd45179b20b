/**
 * The triage console: `/` (index.html, revalidated by ETag) and its content-hashed assets
 * (cached for a year). All public — the page holds no data; it asks for an API key and
 * sends it with each API request. The Content-Security-Policy comes from app.ts.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ConsoleAsset, ConsoleBundle } from '../console/bundle.ts';
import { sendError } from '../auth.ts';

function serve(request: FastifyRequest, reply: FastifyReply, asset: ConsoleAsset, cache: string) {
  reply.header('cache-control', cache).header('etag', asset.etag).header('vary', 'accept-encoding');
  if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
  const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
  if (gzip) reply.header('content-encoding', 'gzip');
  return reply.type(asset.type).send(gzip ? asset.gzip : asset.body);
}

export function consoleRoutes(app: FastifyInstance, bundle: ConsoleBundle): void {
  const open = { config: { public: true } };
  app.get('/', open, (request, reply) => serve(request, reply, bundle.index, 'no-cache'));
  app.get<{ Params: { file: string } }>('/assets/:file', open, (request, reply) => {
    const asset = bundle.assets.get(`/assets/${request.params.file}`);
    if (asset === undefined) return sendError(reply, 'VGL_ERR_API_NOT_FOUND', 'Asset not found.');
    return serve(request, reply, asset, 'public, max-age=31536000, immutable');
  });
  // Browsers ask for it unprompted; the page names its icon.
  app.get('/favicon.ico', open, (_request, reply) => reply.code(204).send());
}
