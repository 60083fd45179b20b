/**
 * The embedded ClickHouse engine (chdb) on a worker thread. chdb runs every statement on
 * the calling thread, so on the main thread a merge-heavy insert or a FINAL query stalls
 * the event loop for as long as it runs (seconds in `npm start`: issue 18). Here it owns
 * one session on the data directory and answers chdb-thread.ts's requests in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ChdbErrorData, ChdbReady, ChdbRequest, ChdbResponse, ChdbWorkerData } from './chdb-protocol.ts';

interface EngineResult {
  query_id: string;
  stream?: NodeJS.ReadableStream;
  summary?: Record<string, string | undefined>;
}

interface Engine {
  query(p: object): Promise<EngineResult>;
  exec(p: object): Promise<EngineResult>;
  command(p: object): Promise<EngineResult>;
  insert(p: object): Promise<EngineResult>;
  ping(p: object): Promise<{ success: boolean; error?: Error }>;
  close(): Promise<void>;
}

function errorData(err: unknown): ChdbErrorData {
  const e = err as { message?: unknown; code?: unknown; type?: unknown };
  const code = typeof e?.code === 'string' ? e.code : undefined;
  return {
    message: typeof e?.message === 'string' ? e.message : String(err),
    code: code !== undefined && /^\d+$/.test(code) ? code : undefined,
    type: typeof e?.type === 'string' ? e.type : undefined,
    nodeCode: code !== undefined && code.startsWith('ERR_') ? code : undefined,
  };
}

async function readAll(stream: NodeJS.ReadableStream | undefined): Promise<Uint8Array | undefined> {
  if (stream === undefined) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  // A fresh buffer of its own, so it can be transferred rather than copied.
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** chdb is optional: named through a variable so the build compiles without it installed. */
const CHDB_CONNECTION = 'chdb/connection';

async function open(path: string): Promise<Engine> {
  const chdb = (await import(CHDB_CONNECTION)) as { createChdbConnection(o: { path: string }): Engine };
  return chdb.createChdbConnection({ path });
}

async function serve(port: NonNullable<typeof parentPort>, engine: Engine): Promise<void> {
  // One statement at a time, in arrival order: the session is not re-entrant.
  let queue = Promise.resolve();
  port.on('message', (req: ChdbRequest) => {
    queue = queue.then(async () => {
      let reply: ChdbResponse;
      try {
        const { values, ...rest } = req.params;
        const params = values === undefined ? rest : { ...rest, values };
        if (req.op === 'ping') {
          const r = await engine.ping({ select: true });
          reply = { id: req.id, ok: true, query_id: '', success: r.success };
        } else if (req.op === 'close') {
          await engine.close();
          reply = { id: req.id, ok: true, query_id: '' };
        } else {
          const r = await engine[req.op](params);
          const bytes = await readAll(r.stream);
          reply = { id: req.id, ok: true, query_id: r.query_id, bytes, summary: r.summary };
        }
      } catch (err) {
        reply = { id: req.id, ok: false, error: errorData(err) };
      }
      const transfer = reply.ok && reply.bytes !== undefined ? [reply.bytes.buffer as ArrayBuffer] : [];
      port.postMessage(reply, transfer);
      if (req.op === 'close') port.close();
    });
  });
}

const port = parentPort;
if (port !== null) {
  const { path } = workerData as ChdbWorkerData;
  open(path).then(
    (engine) => {
      port.postMessage({ ready: true } satisfies ChdbReady);
      return serve(port, engine);
    },
    (err: unknown) => {
      port.postMessage({ ready: false, error: errorData(err) } satisfies ChdbReady);
      port.close();
    },
  );
}
