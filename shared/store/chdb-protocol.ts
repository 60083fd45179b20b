/**
 * Messages between the main thread and the embedded ClickHouse worker thread
 * (chdb-thread.ts ↔ chdb-worker.ts). Only structured-clone-able data crosses: SQL text,
 * query parameters, an insert body as text, and result bytes (transferred, not copied).
 */

export type ChdbOp = 'query' | 'exec' | 'command' | 'insert' | 'ping' | 'close';

/** The parts of @clickhouse/client's connection parameters that mean something embedded. */
export interface ChdbParams {
  query: string;
  query_id?: string | undefined;
  query_params?: Record<string, unknown> | undefined;
  clickhouse_settings?: Record<string, unknown> | undefined;
  /** insert/exec body, already read from the caller's stream. */
  values?: string | undefined;
}

export interface ChdbRequest {
  id: number;
  op: ChdbOp;
  params: ChdbParams;
}

export interface ChdbSummary {
  [key: string]: string | undefined;
}

export interface ChdbErrorData {
  message: string;
  /** ClickHouse error code (a number as text) when the engine reported one. */
  code?: string | undefined;
  type?: string | undefined;
  /** Node's error code when loading chdb failed (e.g. ERR_MODULE_NOT_FOUND). */
  nodeCode?: string | undefined;
}

export type ChdbResponse =
  | {
      id: number;
      ok: true;
      query_id: string;
      bytes?: Uint8Array | undefined;
      summary?: ChdbSummary | undefined;
      /** ping's answer. */
      success?: boolean | undefined;
    }
  | { id: number; ok: false; error: ChdbErrorData };

/** First message of the worker: the engine is open, or why it is not. */
export type ChdbReady = { ready: true } | { ready: false; error: ChdbErrorData };

export interface ChdbWorkerData {
  path: string;
}
