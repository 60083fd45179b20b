/**
 * Reads the `events` table for a time range, in event-time order, as the JSON bodies the
 * producers sent — the input of `vigil backtest --from/--to`. Keyset pagination on
 * (ts, event_id) keeps each query bounded whatever the range; the range and cursor travel
 * as query parameters.
 */
import { vigilError } from '../errors.ts';
import type { ClickHouseClient } from './client.ts';

export interface EventRange {
  fromMs: number;
  toMs: number;
}

async function rows<T>(
  client: ClickHouseClient,
  query: string,
  params: Record<string, unknown>,
): Promise<T[]> {
  try {
    const result = await client.query({ query, query_params: params, format: 'JSONEachRow' });
    return await result.json<T>();
  } catch (err) {
    throw vigilError('VGL_ERR_STORE_QUERY', ['events range', (err as Error).message], { cause: err });
  }
}

const RANGE = 'ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts < fromUnixTimestamp64Milli({to:Int64})';

export async function countEvents(client: ClickHouseClient, db: string, range: EventRange): Promise<number> {
  const r = await rows<{ n: string }>(client, `SELECT count() AS n FROM ${db}.events FINAL WHERE ${RANGE}`, {
    from: range.fromMs,
    to: range.toMs,
  });
  return Number(r[0]?.n ?? 0);
}

/** Event bodies in (ts, event_id) order, `pageSize` per query. */
export async function* eventBodies(
  client: ClickHouseClient,
  db: string,
  range: EventRange,
  pageSize = 20_000,
): AsyncGenerator<string[]> {
  let after: { ts: number; id: string } | undefined;
  for (;;) {
    const page = await rows<{ body: string; ms: string; event_id: string }>(
      client,
      `SELECT body, toUnixTimestamp64Milli(ts) AS ms, event_id FROM ${db}.events FINAL
       WHERE ${RANGE} ${after === undefined ? '' : 'AND (toUnixTimestamp64Milli(ts), event_id) > ({ats:Int64}, {aid:String})'}
       ORDER BY ts, event_id LIMIT {limit:UInt32}`,
      { from: range.fromMs, to: range.toMs, limit: pageSize, ...(after && { ats: after.ts, aid: after.id }) },
    );
    if (page.length === 0) return;
    yield page.map((r) => r.body);
    const last = page[page.length - 1]!;
    after = { ts: Number(last.ms), id: last.event_id };
    if (page.length < pageSize) return;
  }
}
