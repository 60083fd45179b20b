/**
 * Minimal receivers for the output benchmark, so it measures the sink rather than a SIEM:
 * an HTTP server answering each format the way its server does when all is well (200;
 * `_bulk` with no errors; HEC code 0), which can be taken down and brought back on its port.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export class BenchHttpReceiver {
  /** webhook-id values seen, to count distinct deliveries. */
  readonly ids = new Set<string>();
  requests = 0;
  port = 0;
  private server: Server | undefined;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        this.requests++;
        this.ids.add(String(req.headers['webhook-id']));
        const body = req.url?.endsWith('/_bulk')
          ? '{"errors":false,"items":[]}'
          : '{"text":"Success","code":0}';
        res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
