/**
 * A @clickhouse/client Connection whose engine, chdb, runs on a worker thread
 * (chdb-worker.ts), so the event loop keeps serving the API and the pipeline while a
 * statement runs. The client above it cannot tell: results come back as the same byte
 * streams chdb's own connection gives, errors as ClickHouseError with code and type.
 * An abort signal is not forwarded: a statement already sent runs to its end.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import type { Worker } from 'node:worker_threads';
import { ClickHouseError, type ClickHouseClientConfigOptions } from '@clickhouse/client';
import { vigilError, type VigilError } from '../errors.ts';
import { startModuleWorker } from '../module-worker.ts';
import type {
  ChdbErrorData,
  ChdbOp,
  ChdbParams,
  ChdbReady,
  ChdbRequest,
  ChdbResponse,
  ChdbWorkerData,
} from './chdb-protocol.ts';

export type Connection = NonNullable<ClickHouseClientConfigOptions['connection']>;
type Params = Parameters<Connection['exec']>[0];
type Summary = Awaited<ReturnType<Connection['command']>>['summary'];
type Success = Extract<ChdbResponse, { ok: true }>;
/** What every operation's parameters have in common. */
interface AnyParams {
  query: string;
  query_id?: string | undefined;
  query_params?: Record<string, unknown> | undefined;
  clickhouse_settings?: object | undefined;
  values?: unknown;
}

/** Fails early, and with the fix, when the optional package chdb is not installed. */
export function assertChdbInstalled(): void {
  try {
    createRequire(import.meta.url).resolve('chdb/connection');
  } catch (err) {
    throw missing((err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '');
  }
}

/** chdb's per-platform packages of the native addon (as chdb's own loader names them). */
const NATIVE_PACKAGES: Readonly<Record<string, string>> = {
  'linux-x64': '@chdb/lib-linux-x64-gnu',
  'linux-arm64': '@chdb/lib-linux-arm64-gnu',
  'darwin-x64': '@chdb/lib-darwin-x64',
  'darwin-arm64': '@chdb/lib-darwin-arm64',
};
let nativeHeld = false;

/**
 * Loads chdb's native addon into the main thread too, once the worker has loaded it (so
 * this costs a reference and not the library's start-up). Without it, a worker that
 * exits unloads libchdb while the thread's own exit still runs libchdb's thread-local
 * destructors, and the process dies with SIGSEGV (chdb 3.4.0 on Linux). No query ever
 * runs on the main thread.
 */
function holdNativeLibrary(): void {
  if (nativeHeld) return;
  const pkg = NATIVE_PACKAGES[`${process.platform}-${process.arch}`];
  if (pkg === undefined) return;
  try {
    const fromChdb = createRequire(createRequire(import.meta.url).resolve('chdb/package.json'));
    const addon = join(dirname(fromChdb.resolve(`${pkg}/package.json`)), 'chdb_node.node');
    process.dlopen({ exports: {} }, addon);
    nativeHeld = true;
  } catch {
    // A locally compiled chdb: the worker's exit may then crash the process at shutdown.
  }
}

const missing = (why: string): VigilError => vigilError('VGL_ERR_STORE_EMBEDDED_MISSING', [why]);

/**
 * The file URL of tsx's ESM API, from its package's export map (import.meta.resolve is not
 * there under vitest, and require.resolve would give the CommonJS build).
 */
/** The worker's entry, compiled or from the sources (see module-worker.ts). */
function startWorker(data: ChdbWorkerData): Worker {
  return startModuleWorker(import.meta.url, 'chdb-worker', data);
}

function toError(data: ChdbErrorData): Error {
  return data.code !== undefined
    ? new ClickHouseError({ message: data.message, code: data.code, type: data.type })
    : new Error(data.message);
}

async function text(values: unknown): Promise<string | undefined> {
  if (values === undefined || typeof values === 'string') return values;
  let body = '';
  for await (const chunk of values as AsyncIterable<unknown>) {
    body += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
  }
  return body;
}

export class ChdbThreadConnection implements Connection {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve(r: Success): void; reject(e: Error): void }>();
  private readonly ready: Promise<void>;
  private nextId = 1;
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;

  constructor(path: string) {
    this.worker = startWorker({ path });
    // Idle, the worker must not keep the process alive; a pending request does (see call).
    this.worker.unref();
    this.ready = new Promise<void>((resolve, reject) => {
      this.worker.once('message', (m: ChdbReady) => {
        if (m.ready) {
          holdNativeLibrary();
          this.worker.on('message', (r: ChdbResponse) => this.settle(r));
          resolve();
          return;
        }
        const err =
          m.error.nodeCode === 'ERR_MODULE_NOT_FOUND'
            ? missing(m.error.message)
            : vigilError('VGL_ERR_STORE_EMBEDDED_OPEN', [path, m.error.message]);
        this.fail(err);
        reject(err);
      });
    });
    this.ready.catch(() => undefined);
    this.worker.on('error', (err) =>
      this.fail(vigilError('VGL_ERR_STORE_EMBEDDED_OPEN', [path, err.message])),
    );
    this.worker.on('exit', (code) => {
      if (this.closing === undefined) this.fail(new Error(`embedded ClickHouse worker exited (${code})`));
    });
  }

  /** Resolves once the engine is open; rejects with why it could not be. */
  opened(): Promise<void> {
    return this.ready;
  }

  async query(params: Params) {
    const r = await this.call('query', params);
    return { ...this.base(r), stream: Readable.from([Buffer.from(r.bytes ?? new Uint8Array())]) };
  }

  async exec(params: Params) {
    const r = await this.call('exec', params);
    return {
      ...this.base(r),
      stream: Readable.from([Buffer.from(r.bytes ?? new Uint8Array())]),
      summary: this.summary(r),
    };
  }

  async command(params: Parameters<Connection['command']>[0]) {
    const r = await this.call('command', params);
    return { ...this.base(r), summary: this.summary(r) };
  }

  async insert(params: Parameters<Connection['insert']>[0]) {
    const r = await this.call('insert', params);
    return { ...this.base(r), summary: this.summary(r) };
  }

  async ping(): Promise<{ success: true } | { success: false; error: Error }> {
    try {
      const r = await this.call('ping', { query: 'SELECT 1' });
      return r.success === true ? { success: true } : { success: false, error: new Error('ping failed') };
    } catch (err) {
      return { success: false, error: err as Error };
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        await this.ready;
        await this.send('close', { query: '' });
      } catch {
        // Nothing open to close.
      }
      await this.worker.terminate();
    })();
    return this.closing;
  }

  /** chdb's connection fills every field of the summary, as text. */
  private summary(r: Success): Summary {
    return (r.summary ?? {}) as unknown as Summary;
  }

  private base(r: Success) {
    return { query_id: r.query_id, response_headers: {}, http_status_code: 200 };
  }

  private async call(op: ChdbOp, p: AnyParams): Promise<Success> {
    if (this.closing !== undefined) throw new Error('embedded ClickHouse connection is closed');
    await this.ready;
    const message: ChdbParams = {
      query: p.query,
      query_id: p.query_id,
      query_params: p.query_params,
      clickhouse_settings: p.clickhouse_settings as Record<string, unknown> | undefined,
      values: await text(p.values),
    };
    return this.send(op, message);
  }

  private send(op: ChdbOp, params: ChdbParams): Promise<Success> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = this.nextId++;
    if (this.pending.size === 0) this.worker.ref();
    return new Promise<Success>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, op, params } satisfies ChdbRequest);
    });
  }

  private settle(r: ChdbResponse): void {
    const waiter = this.pending.get(r.id);
    if (waiter === undefined) return;
    this.pending.delete(r.id);
    if (this.pending.size === 0) this.worker.unref();
    if (r.ok) waiter.resolve(r);
    else waiter.reject(toError(r.error));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const waiter of this.pending.values()) waiter.reject(err);
    this.pending.clear();
  }
}
