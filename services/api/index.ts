/** api: the triage and ingest HTTP API (DESIGN.md §7) on VIGIL_HTTP_PORT. */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { VigilEvent } from '../../shared/events/types.ts';
import { latestRevisions } from '../../shared/pipeline/alert-fanout.ts';
import { deadLetterMessage } from '../../shared/pipeline/dead-letter.ts';
import type { EventSource } from '../../shared/pipeline/ports.ts';
import { publishEvents } from '../../shared/pipeline/publish-events.ts';
import type { ServiceContext } from '../../shared/runtime/context.ts';
import { ProposalStore } from '../../shared/runtime/rule-proposals.ts';
import type { RunningService, ServiceDefinition } from '../../shared/runtime/service.ts';
import { AlertQueries } from '../../shared/store/alert-queries.ts';
import { ActionStore } from '../../shared/store/action-writer.ts';
import { buildApp } from './app.ts';
import { AlertFeed } from './routes/stream.ts';

export interface ApiOptions {
  /** Names of services in this process that are not ready yet. */
  notReady?: () => string[];
  /** Listen here instead of config.httpPort (tests use 0). */
  port?: number;
  host?: string;
}

export interface Api {
  app: FastifyInstance;
  /** New and updated alerts for GET /api/v1/stream; fed by `startAlertFeed`. */
  feed: AlertFeed;
}

export async function createApi(ctx: ServiceContext, options: ApiOptions = {}): Promise<Api> {
  const store = await ctx.store();
  const publisher = await ctx.bus.publisher();
  const db = ctx.config.clickhouse.database;
  if (ctx.config.apiKeys.length === 0) {
    ctx.log.warn(
      { service: 'api' },
      'VIGIL_API_KEYS is empty: every route but /healthz and /readyz answers 401',
    );
  }
  const feed = new AlertFeed();
  const queries = new AlertQueries(store.client, db);
  const rules = await ctx.rules();
  const proposals = new ProposalStore(ctx, rules);
  await proposals.start();
  const app = await buildApp({
    apiKeys: ctx.config.apiKeys,
    log: ctx.log,
    health: { notReady: options.notReady ?? (() => []), registry: ctx.metrics.registry },
    ingest: {
      publish: (events: VigilEvent[]) => publishEvents(publisher, ctx.topics, events),
      async reject(items) {
        const now = Date.now();
        const source = { topic: 'http', partition: -1, offset: '-1' };
        const raw = (item: unknown): Buffer => Buffer.from(JSON.stringify(item) ?? '');
        await publisher.publish(
          ctx.topics.dlq,
          items.map((item) => deadLetterMessage(raw(item.raw), null, source, item.reason, now)),
        );
      },
    },
    alerts: { queries, actions: new ActionStore(store.client, db) },
    stream: { feed },
    detectors: await ctx.detectorConfig(),
    rules: { rules, proposals, alert: (id) => queries.get(id) },
  });
  app.addHook('onClose', () => proposals.stop());
  return { app, feed };
}

/**
 * Feeds `feed` from the alerts topic, from now on, as a consumer group of its own per API
 * process (every instance streams every alert). Returns the source to stop.
 */
export async function startAlertFeed(ctx: ServiceContext, feed: AlertFeed): Promise<EventSource> {
  const source = ctx.bus.source({
    groupId: `vigil-api-stream-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
    topics: [ctx.topics.alerts],
    fromBeginning: false,
  });
  await source.start(async (batch) => feed.publish(latestRevisions(batch, ctx.log)));
  return source;
}

export function apiService(options: ApiOptions = {}): ServiceDefinition {
  return {
    name: 'api',
    async start(ctx) {
      const { app, feed } = await createApi(ctx, options);
      const source = await startAlertFeed(ctx, feed);
      const address = await app.listen({
        port: options.port ?? ctx.config.httpPort,
        host: options.host ?? '0.0.0.0',
      });
      ctx.log.info({ service: 'api', address }, 'api listening');
      let ready = true;
      return {
        name: 'api',
        ready: () => ready,
        async stop() {
          ready = false;
          await app.close();
          await source.stop();
        },
      } satisfies RunningService;
    },
  };
}

export const api = apiService();
