/**
 * Read side of the alerts table for the triage API.
 *
 * The list avoids `FINAL` over the whole table, which costs ~200 ms at a million alerts:
 * it takes the top k rows of the raw table (newest first: bounded by the k-th newest
 * last_seen and read from the projection ordered by it, deploy/clickhouse/003), keeps each
 * row that is its alert's latest revision (one narrow primary-key lookup), and widens k if
 * too few survive. Any alert's latest revision that ranks above the k-th raw row is among
 * those k rows, so the kept rows are exactly FINAL's top rows.
 */
import type { Alert } from '../events/types.ts';
import { vigilError } from '../errors.ts';
import type { ClickHouseClient } from './client.ts';
import { fromAlertRow } from './alert-writer.ts';
import {
  filterSql,
  lastActions,
  STATUS_SQL,
  whereClause,
  type AlertFilter,
  type AlertStatus,
} from './alert-filter.ts';

export type { AlertFilter, AlertStatus } from './alert-filter.ts';

export interface AlertListQuery extends AlertFilter {
  sort?: 'last_seen' | 'score';
  limit: number;
  cursor?: string;
}

export type AlertWithStatus = Alert & { status: AlertStatus };

export interface AlertPage {
  alerts: AlertWithStatus[];
  next_cursor: string | null;
}

interface Cursor {
  k: number;
  id: string;
}

/**
 * Sort orders. Newest first reads the `alerts_by_last_seen` projection in reverse once the
 * list is bounded below by the k-th newest last_seen (`bound`), a narrow query of its own.
 */
const SORT = {
  last_seen: {
    key: 'toUnixTimestamp64Milli(last_seen)',
    order: 'last_seen DESC, alert_id DESC',
    cursor: '(last_seen, alert_id) < (fromUnixTimestamp64Milli({ck:Int64}), {cid:String})',
    bound: true,
  },
  score: {
    key: 'score',
    order: 'score DESC, alert_id DESC',
    cursor: '(score, alert_id) < ({ck:Float32}, {cid:String})',
    bound: false,
  },
} as const;

/** Rounds of widening before the list falls back to FINAL (only under heavy duplication). */
const MAX_ROUNDS = 3;

function decodeCursor(cursor: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Cursor;
    if (typeof c.k === 'number' && Number.isFinite(c.k) && typeof c.id === 'string') return c;
  } catch {
    // fall through
  }
  throw vigilError('VGL_ERR_API_BAD_REQUEST', ['cursor is not one this API returned']);
}

const encodeCursor = (c: Cursor): string => Buffer.from(JSON.stringify(c)).toString('base64url');

export class AlertQueries {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly db: string,
  ) {}

  async list(query: AlertListQuery): Promise<AlertPage> {
    const sort = SORT[query.sort ?? 'last_seen'];
    // "open" means no triage yet: most alerts. Checked on the candidates rather than as a
    // NOT IN over every alert; the other statuses are few, and their ids use the primary key.
    const postStatus = query.status?.includes('open') === true ? new Set<string>(query.status) : undefined;
    const { where, params } = filterSql(this.db, { ...query, ...(postStatus && { status: [] }) });
    if (query.cursor !== undefined) {
      const c = decodeCursor(query.cursor);
      where.push(sort.cursor);
      params['ck'] = c.k;
      params['cid'] = c.id;
    }
    const want = query.limit + 1;
    // The bound query would scan the text a second time; a text search goes without it.
    const bound = sort.bound && (query.text ?? '') === '';
    let rows: Record<string, unknown>[] | undefined;
    let statuses = new Map<string, AlertStatus>();
    for (
      let round = 0, k = Math.max(64, want * 2);
      round < MAX_ROUNDS && rows === undefined;
      round++, k *= 8
    ) {
      const raw = await this.top(sort, where, params, k, bound);
      const ids = [...new Set(raw.map((r) => String(r['alert_id'])))];
      const [latest, found] = await Promise.all([this.latestRevisions(ids), this.statuses(ids)]);
      statuses = found;
      const kept = new Map<string, Record<string, unknown>>();
      for (const r of raw) {
        const id = String(r['alert_id']);
        if (!kept.has(id) && latest.get(id) === Number(r['revision'])) kept.set(id, r);
      }
      const matching = [...kept.values()].filter(
        (r) => postStatus === undefined || postStatus.has(statuses.get(String(r['alert_id'])) ?? 'open'),
      );
      if (matching.length >= want || raw.length < k) rows = matching.slice(0, want);
    }
    if (rows === undefined) {
      const full = filterSql(this.db, query);
      full.where.push(...where.filter((w) => w === sort.cursor));
      rows = await this.rows(
        `SELECT *, ${sort.key} AS sort_key FROM ${this.db}.alerts FINAL ${whereClause(full.where)}
         ORDER BY ${sort.order} LIMIT {want:UInt32}`,
        { ...params, ...full.params, want },
      );
      statuses = await this.statuses(rows.map((r) => String(r['alert_id'])));
    }
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      alerts: page.map((r) => ({
        ...fromAlertRow(r),
        status: statuses.get(String(r['alert_id'])) ?? 'open',
      })),
      next_cursor:
        rows.length > query.limit && last !== undefined
          ? encodeCursor({ k: Number(last['sort_key']), id: String(last['alert_id']) })
          : null,
    };
  }

  /** The top k raw rows (any revision) under `where`, in the sort order. */
  private async top(
    sort: (typeof SORT)[keyof typeof SORT],
    where: readonly string[],
    params: Record<string, unknown>,
    k: number,
    bound: boolean,
  ): Promise<Record<string, unknown>[]> {
    const bounded = [...where];
    const p: Record<string, unknown> = { ...params, k };
    if (bound) {
      const kth = await this.rows(
        `SELECT toUnixTimestamp64Milli(last_seen) AS b FROM ${this.db}.alerts ${whereClause(where)}
         ORDER BY last_seen DESC LIMIT 1 OFFSET {kth:UInt32}`,
        { ...params, kth: k - 1 },
      );
      if (kth[0] !== undefined) {
        bounded.push('last_seen >= fromUnixTimestamp64Milli({bound:Int64})');
        p['bound'] = Number(kth[0]['b']);
      }
    }
    return this.rows(
      `SELECT *, ${sort.key} AS sort_key FROM ${this.db}.alerts ${whereClause(bounded)}
       ORDER BY ${sort.order} LIMIT {k:UInt32}`,
      p,
    );
  }

  /** One alert, or undefined when it does not exist or is outside `tenants`. */
  async get(alertId: string, tenants?: readonly string[]): Promise<AlertWithStatus | undefined> {
    const scoped = tenants !== undefined ? 'AND tenant IN {scope:Array(String)}' : '';
    const rows = await this.rows(
      `SELECT * FROM ${this.db}.alerts FINAL WHERE alert_id = {id:String} ${scoped} LIMIT 1`,
      { id: alertId, ...(tenants !== undefined && { scope: tenants }) },
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    const statuses = await this.statuses([alertId]);
    return { ...fromAlertRow(row), status: statuses.get(alertId) ?? 'open' };
  }

  /** Alerts listed in `ids` (an incident's parts) within `tenants`, in time order. */
  async byIds(ids: readonly string[], tenants?: readonly string[]): Promise<AlertWithStatus[]> {
    if (ids.length === 0) return [];
    const scoped = tenants !== undefined ? 'AND tenant IN {scope:Array(String)}' : '';
    const rows = await this.rows(
      `SELECT * FROM ${this.db}.alerts WHERE alert_id IN {ids:Array(String)} ${scoped}
       ORDER BY alert_id, revision DESC LIMIT 1 BY alert_id`,
      { ids: ids.slice(0, 100), ...(tenants !== undefined && { scope: tenants }) },
    );
    const statuses = await this.statuses(rows.map((r) => String(r['alert_id'])));
    return rows
      .map((r) => ({ ...fromAlertRow(r), status: statuses.get(String(r['alert_id'])) ?? ('open' as const) }))
      .sort((a, b) => a.first_seen.localeCompare(b.first_seen) || a.alert_id.localeCompare(b.alert_id));
  }

  async count(): Promise<number> {
    const rows = await this.rows(`SELECT uniqExact(alert_id) AS n FROM ${this.db}.alerts`, {});
    return Number(rows[0]?.['n'] ?? 0);
  }

  private async latestRevisions(ids: readonly string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows = await this.rows(
      `SELECT alert_id, max(revision) AS rev FROM ${this.db}.alerts WHERE alert_id IN {ids:Array(String)} GROUP BY alert_id`,
      { ids: [...new Set(ids)] },
    );
    return new Map(rows.map((r) => [String(r['alert_id']), Number(r['rev'])]));
  }

  private async statuses(ids: readonly string[]): Promise<Map<string, AlertStatus>> {
    if (ids.length === 0) return new Map();
    const rows = await this.rows(
      `SELECT alert_id, ${STATUS_SQL} AS status FROM (${lastActions(this.db, 'alert_id IN {ids:Array(String)}')})`,
      { ids },
    );
    return new Map(rows.map((r) => [String(r['alert_id']), r['status'] as AlertStatus]));
  }

  private async rows(query: string, params: Record<string, unknown>): Promise<Record<string, unknown>[]> {
    try {
      const result = await this.client.query({ query, query_params: params, format: 'JSONEachRow' });
      return await result.json<Record<string, unknown>>();
    } catch (err) {
      throw vigilError('VGL_ERR_STORE_QUERY', ['alerts', (err as Error).message], { cause: err });
    }
  }
}
