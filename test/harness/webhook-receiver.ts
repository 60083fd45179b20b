/**
 * An HTTP receiver standing in for SIEMs and SOARs, on loopback: it verifies Standard
 * Webhooks signatures with the reference `standardwebhooks` package, can be told to answer
 * a status (with Retry-After) for a while, can go down (its port closed) and come back on
 * the same port, and records every request. Elastic `_bulk` (create, 409 on a known `_id`)
 * and Splunk HEC (ackId, then the ack endpoint) are answered the way those servers do.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
  at: number;
  /** undefined when the request was not signed. */
  signatureValid: boolean | undefined;
}

export interface Failure {
  status: number;
  retryAfterSeconds?: number;
  body?: string;
}

export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  /** Answers taken in order by requests to a path prefix, before answering normally. */
  readonly failures = new Map<string, Failure[]>();
  /** Requests to `prefix` whose body matches are refused with 400 (content it rejects). */
  refuse: { prefix: string; body: RegExp } | undefined;
  private readonly elasticIds = new Set<string>();
  private hecAckCalls = 0;
  private server: Server | undefined;
  port = 0;

  constructor(private readonly secret: string) {}

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const path = req.url ?? '';
        const { status, reply, headers } = this.answer(path, body);
        this.requests.push({
          path,
          headers: req.headers,
          body,
          status,
          at: Date.now(),
          signatureValid: this.verify(req.headers, body),
        });
        res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(reply);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Closes the port: clients get ECONNREFUSED until `start()` again. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  ok(prefix: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.path.startsWith(prefix) && r.status < 300);
  }

  private verify(headers: IncomingHttpHeaders, body: string): boolean | undefined {
    if (headers['webhook-signature'] === undefined) return undefined;
    try {
      new Webhook(this.secret).verify(body, {
        'webhook-id': String(headers['webhook-id']),
        'webhook-timestamp': String(headers['webhook-timestamp']),
        'webhook-signature': String(headers['webhook-signature']),
      });
      return true;
    } catch {
      return false;
    }
  }

  private answer(
    path: string,
    body: string,
  ): { status: number; reply: string; headers?: Record<string, string> } {
    for (const [prefix, queue] of this.failures) {
      const next = path.startsWith(prefix) ? queue.shift() : undefined;
      if (next !== undefined) {
        const headers: Record<string, string> =
          next.retryAfterSeconds !== undefined ? { 'retry-after': String(next.retryAfterSeconds) } : {};
        return { status: next.status, reply: next.body ?? '{}', headers };
      }
    }
    if (this.refuse !== undefined && path.startsWith(this.refuse.prefix) && this.refuse.body.test(body))
      return { status: 400, reply: '{"error":"field tenant not accepted"}' };
    if (path.endsWith('/_bulk')) return { status: 200, reply: this.bulk(body) };
    if (path.endsWith('/services/collector/ack')) {
      // Not indexed on the first poll, indexed after: the sink must wait for it.
      const acked = this.hecAckCalls++ % 2 === 1;
      const ids = (JSON.parse(body) as { acks: number[] }).acks;
      return {
        status: 200,
        reply: JSON.stringify({ acks: Object.fromEntries(ids.map((id) => [id, acked])) }),
      };
    }
    if (path.includes('/services/collector')) {
      return {
        status: 200,
        reply: JSON.stringify({ text: 'Success', code: 0, ackId: this.requests.length }),
      };
    }
    return { status: 200, reply: '{}' };
  }

  private bulk(body: string): string {
    const lines = body.split('\n').filter((l) => l !== '');
    const items = [];
    for (let i = 0; i < lines.length; i += 2) {
      const id = (JSON.parse(lines[i]!) as { create: { _id: string } }).create._id;
      const duplicate = this.elasticIds.has(id);
      this.elasticIds.add(id);
      items.push({ create: { _id: id, status: duplicate ? 409 : 201 } });
    }
    return JSON.stringify({ errors: items.some((i) => i.create.status !== 201), items });
  }
}
