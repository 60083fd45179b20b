/**
 * GET /api/v1/stream — Server-Sent Events of new and updated alerts, as they reach the
 * alerts topic. Each event is `event: alert`, `id: <alert_id>:<event_count>`, `data: <alert>`;
 * a comment line every `heartbeatMs` keeps proxies from closing an idle stream.
 *
 * Resume: the feed keeps the last `replay` events; a client that reconnects with
 * `Last-Event-ID` gets the ones after it first. An id the feed no longer holds (or never
 * did: another instance, a restart) gets `event: resync` so the client reloads its list.
 * Back-pressure: writes go to the socket only while it drains; a client that falls more
 * than `bufferBytes` behind is dropped with a logged reason, and resumes by Last-Event-ID.
 * Filters: severity (minimum), category, detector; a tenant-scoped key sees its tenants only.
 */
import { EventEmitter } from 'node:events';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { formatIssues } from '../../../shared/config/index.ts';
import { SEVERITIES, type Alert } from '../../../shared/events/types.ts';
import { canSee, principalOf, sendError } from '../auth.ts';

interface FeedEntry {
  id: string;
  alert: Alert;
}

/** Alerts as they arrive, with the most recent kept for resuming clients. */
export class AlertFeed extends EventEmitter<{ alert: [FeedEntry] }> {
  private readonly recent: FeedEntry[] = [];

  constructor(private readonly replay = 2000) {
    super();
  }

  publish(alerts: readonly Alert[]): void {
    for (const alert of alerts) {
      const entry = { id: `${alert.alert_id}:${alert.event_count}`, alert };
      this.recent.push(entry);
      if (this.recent.length > this.replay) this.recent.splice(0, this.recent.length - this.replay);
      this.emit('alert', entry);
    }
  }

  /** Entries after `id`, or undefined when the feed does not hold `id`. */
  since(id: string): FeedEntry[] | undefined {
    for (let i = this.recent.length - 1; i >= 0; i--) {
      if (this.recent[i]!.id === id) return this.recent.slice(i + 1);
    }
    return undefined;
  }
}

export interface StreamDeps {
  feed: AlertFeed;
  maxStreams?: number;
  heartbeatMs?: number;
  /** Bytes a client may fall behind before it is dropped. */
  bufferBytes?: number;
}

const query = z.strictObject({
  severity: z.enum(SEVERITIES as unknown as [string, ...string[]]).optional(),
  category: z.string().max(64).optional(),
  detector: z.string().max(512).optional(),
});

const frame = (e: FeedEntry): string => `event: alert\nid: ${e.id}\ndata: ${JSON.stringify(e.alert)}\n\n`;

export function streamRoutes(app: FastifyInstance, deps: StreamDeps): void {
  const maxStreams = deps.maxStreams ?? 100;
  const heartbeatMs = deps.heartbeatMs ?? 15_000;
  const bufferBytes = deps.bufferBytes ?? 1_048_576;
  let open = 0;
  deps.feed.setMaxListeners(maxStreams + 10);

  app.get(
    '/api/v1/stream',
    { config: { roles: ['admin', 'analyst', 'integration'] } },
    async (request, reply) => {
      const parsed = query.safeParse(request.query);
      if (!parsed.success) {
        return sendError(
          reply,
          'VGL_ERR_API_BAD_REQUEST',
          'Bad request: invalid query',
          formatIssues(parsed.error.issues),
        );
      }
      if (open >= maxStreams) {
        return sendError(reply, 'VGL_ERR_API_BUSY', 'Too many open streams; retry later.');
      }
      const principal = principalOf(request);
      const minSeverity =
        parsed.data.severity === undefined ? 0 : SEVERITIES.indexOf(parsed.data.severity as never);
      const detectors = parsed.data.detector?.split(',');
      const category = parsed.data.category;
      const wanted = (alert: Alert): boolean =>
        canSee(principal, alert.tenant) &&
        SEVERITIES.indexOf(alert.severity) >= minSeverity &&
        (category === undefined || alert.category === category) &&
        (detectors === undefined || detectors.includes(alert.detector));
      const lastId = request.headers['last-event-id'];
      const resume = typeof lastId === 'string' && lastId.length <= 200 ? lastId : undefined;

      open++;
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-content-type-options': 'nosniff',
      });
      let closed = false;
      const send = (text: string): void => {
        if (closed) return;
        // Node buffers what the socket has not taken; past the limit the client is too slow.
        if (res.writableLength + text.length > bufferBytes) {
          request.log.warn(
            { key: principal.name, buffered_bytes: res.writableLength, limit_bytes: bufferBytes },
            'stream client dropped: it reads slower than alerts arrive (it may resume with Last-Event-ID)',
          );
          close();
          res.destroy();
          return;
        }
        res.write(text);
      };
      send(': vigil alert stream\nretry: 3000\n\n');
      if (resume !== undefined) {
        const missed = deps.feed
          .since(resume)
          ?.filter((e) => wanted(e.alert))
          .map(frame);
        // More than half the buffer to catch up would drop the client and loop: reload instead.
        const bytes = missed?.reduce((n, f) => n + f.length, 0) ?? Infinity;
        if (missed === undefined || bytes > bufferBytes / 2) {
          const reason = missed === undefined ? 'last event id no longer held' : 'too far behind';
          send(`event: resync\ndata: ${JSON.stringify({ reason: `${reason}; reload the list` })}\n\n`);
        } else {
          for (const f of missed) send(f);
        }
      }
      const onAlert = (e: FeedEntry): void => {
        if (wanted(e.alert)) send(frame(e));
      };
      const heartbeat = setInterval(() => {
        // A heartbeat only while the socket drains: a stalled client gets no filler.
        if (!res.writableNeedDrain) send(': ping\n\n');
      }, heartbeatMs);
      deps.feed.on('alert', onAlert);
      function close(): void {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        deps.feed.off('alert', onAlert);
        open--;
      }
      request.raw.once('close', close);
      res.once('close', close);
    },
  );
}
