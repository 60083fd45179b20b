/** api: the triage and ingest HTTP API (docs/architecture.md, "HTTP API") on VIGIL_HTTP_PORT. */
import type { FastifyInstance } from 'fastify';
import type { VigilEvent } from '../../shared/events/types.ts';
import { latestRevisions } from '../../shared/pipeline/alert-fanout.ts';
import { deadLetterMessage } from '../../shared/pipeline/dead-letter.ts';
import type { EventSource } from '../../shared/pipeline/ports.ts';
import { publishEvents } from '../../shared/pipeline/publish-events.ts';
import type { ServiceContext } from '../../shared/runtime/context.ts';
import { fanoutSource } from '../../shared/runtime/fanout-source.ts';
import { ProposalStore } from '../../shared/runtime/rule-proposals.ts';
import type { RunningService, ServiceDefinition } from '../../shared/runtime/service.ts';
import type { ApiKey } from '../../shared/config/index.ts';
import { AlertQueries } from '../../shared/store/alert-queries.ts';
import { ActionStore } from '../../shared/store/action-writer.ts';
import { EventQueries } from '../../shared/store/event-queries.ts';
import { buildApp } from './app.ts';
import { consoleBundle } from './console/bundle.ts';
import { AlertFeed } from './routes/stream.ts';

export interface ApiOptions {
  /** Names of services in this process that are not ready yet. */
  notReady?: () => string[];
  /** Listen here instead of config.httpPort (tests use 0). */
  port?: number;
  host?: string;
  /** Keys valid for this process only, beside VIGIL_API_KEYS (`vigil run`'s generated admin key). */
  extraKeys?: readonly ApiKey[];
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
  const apiKeys = [...ctx.config.apiKeys, ...(options.extraKeys ?? [])];
  if (apiKeys.length === 0) {
    ctx.log.warn(
      { service: 'api' },
      'VIGIL_API_KEYS is empty: every route but /healthz and /readyz answers 401',
    );
  }
  const api = ctx.config.api;
  const feed = new AlertFeed(api.stream_replay_alerts);
  const queries = new AlertQueries(store.client, db);
  const rules = await ctx.rules();
  const proposals = new ProposalStore(ctx, rules);
  await proposals.start();
  const app = await buildApp({
    apiKeys,
    api,
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
    alerts: {
      queries,
      actions: new ActionStore(store.client, db),
      events: new EventQueries(store.client, db),
      client: store.client,
      db,
    },
    stream: { feed, maxStreams: api.stream_max_clients, bufferBytes: api.stream_buffer_bytes },
    detectors: await ctx.detectorConfig(),
    console: await consoleBundle(),
    rules: { rules, proposals, alert: (id) => queries.get(id) },
  });
  app.addHook('onClose', () => proposals.stop());
  return { app, feed };
}

/**
 * Feeds `feed` from the alerts topic, from now on, as a consumer group of its own per API
 * process (every instance streams every alert), deleted when it stops. Returns the source
 * to stop.
 */
export async function startAlertFeed(ctx: ServiceContext, feed: AlertFeed): Promise<EventSource> {
  const source = fanoutSource(ctx, { purpose: 'api-stream', topics: [ctx.topics.alerts] });
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
        host: options.host ?? ctx.config.httpHost,
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
