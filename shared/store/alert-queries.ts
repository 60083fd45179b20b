/**
 * Read side of the alerts table for the triage API. Filters become fixed SQL fragments
 * whose values travel only as ClickHouse query parameters ({name:Type}); the database
 * name is a validated identifier from config.
 */
import type { Alert, AlertCategory, Severity } from '../events/types.ts';
import { vigilError } from '../errors.ts';
import type { ClickHouseClient } from './client.ts';
import { fromAlertRow } from './alert-writer.ts';

export type AlertStatus = 'open' | 'acknowledged' | 'assigned' | 'resolved' | 'false_positive';

export interface AlertFilter {
  from?: number;
  to?: number;
  severities?: Severity[];
  categories?: AlertCategory[];
  detectors?: string[];
  entityId?: string;
  entityType?: string;
  tenant?: string;
  status?: AlertStatus[];
  text?: string;
  sort?: 'last_seen' | 'score';
  limit: number;
  cursor?: string;
}

export interface AlertPage {
  alerts: Array<Alert & { status: AlertStatus }>;
  next_cursor: string | null;
}

interface Cursor {
  k: number;
  id: string;
}

const STATUS_SQL = `multiIf(last_action IN ('resolve'), 'resolved', last_action = 'false_positive', 'false_positive',
  last_action = 'assign', 'assigned', last_action = 'acknowledge', 'acknowledged', 'open')`;

function decodeCursor(cursor: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Cursor;
    if (typeof c.k === 'number' && typeof c.id === 'string') return c;
  } catch {
    // fall through
  }
  throw vigilError('VGL_ERR_API_BAD_REQUEST', ['cursor is not one this API returned']);
}

export class AlertQueries {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly db: string,
  ) {}

  async list(filter: AlertFilter): Promise<AlertPage> {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: filter.limit + 1 };
    const add = (sql: string, name: string, value: unknown): void => {
      where.push(sql);
      params[name] = value;
    };
    if (filter.from !== undefined)
      add('a.last_seen >= fromUnixTimestamp64Milli({from:Int64})', 'from', filter.from);
    if (filter.to !== undefined) add('a.first_seen < fromUnixTimestamp64Milli({to:Int64})', 'to', filter.to);
    if (filter.severities?.length)
      add('toString(a.severity) IN {sev:Array(String)}', 'sev', filter.severities);
    if (filter.categories?.length) add('a.category IN {cat:Array(String)}', 'cat', filter.categories);
    if (filter.detectors?.length) add('a.detector IN {det:Array(String)}', 'det', filter.detectors);
    if (filter.entityId !== undefined) add('a.entity_id = {eid:String}', 'eid', filter.entityId);
    if (filter.entityType !== undefined) add('a.entity_type = {etype:String}', 'etype', filter.entityType);
    if (filter.tenant !== undefined) add('a.tenant = {tenant:String}', 'tenant', filter.tenant);
    if (filter.status?.length) add('status IN {status:Array(String)}', 'status', filter.status);
    if (filter.text !== undefined && filter.text !== '') {
      add(
        '(positionCaseInsensitiveUTF8(a.title, {text:String}) > 0 OR positionCaseInsensitiveUTF8(a.description, {text:String}) > 0 OR a.entity_id = {text:String})',
        'text',
        filter.text,
      );
    }
    const sortKey =
      filter.sort === 'score' ? 'toInt64(a.score * 100)' : 'toUnixTimestamp64Milli(a.last_seen)';
    if (filter.cursor !== undefined) {
      const c = decodeCursor(filter.cursor);
      where.push(`(${sortKey}, a.alert_id) < ({ck:Int64}, {cid:String})`);
      params['ck'] = c.k;
      params['cid'] = c.id;
    }
    const query = `
      SELECT a.*, ${STATUS_SQL} AS status, ${sortKey} AS sort_key
      FROM ${this.db}.alerts AS a FINAL
      LEFT JOIN (
        SELECT alert_id, argMaxIf(action, at, action NOT IN ('comment')) AS last_action
        FROM ${this.db}.alert_actions GROUP BY alert_id
      ) AS s ON s.alert_id = a.alert_id
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY sort_key DESC, a.alert_id DESC
      LIMIT {limit:UInt32}`;
    const rows = await this.rows(query, params);
    const more = rows.length > filter.limit;
    const page = rows.slice(0, filter.limit);
    const last = page[page.length - 1];
    return {
      alerts: page.map((r) => ({ ...fromAlertRow(r), status: r['status'] as AlertStatus })),
      next_cursor:
        more && last !== undefined
          ? Buffer.from(
              JSON.stringify({ k: Number(last['sort_key']), id: String(last['alert_id']) }),
            ).toString('base64url')
          : null,
    };
  }

  async get(alertId: string): Promise<(Alert & { status: AlertStatus }) | undefined> {
    const rows = await this.rows(
      `SELECT a.*, ${STATUS_SQL} AS status FROM ${this.db}.alerts AS a FINAL
       LEFT JOIN (
         SELECT alert_id, argMaxIf(action, at, action NOT IN ('comment')) AS last_action
         FROM ${this.db}.alert_actions WHERE alert_id = {id:String} GROUP BY alert_id
       ) AS s ON s.alert_id = a.alert_id
       WHERE a.alert_id = {id:String} LIMIT 1`,
      { id: alertId },
    );
    const row = rows[0];
    return row === undefined ? undefined : { ...fromAlertRow(row), status: row['status'] as AlertStatus };
  }

  /** Alerts listed in `ids` (an incident's parts), newest first. */
  async byIds(ids: readonly string[]): Promise<Alert[]> {
    if (ids.length === 0) return [];
    const rows = await this.rows(
      `SELECT * FROM ${this.db}.alerts FINAL WHERE alert_id IN {ids:Array(String)} ORDER BY last_seen DESC LIMIT 100`,
      { ids: ids.slice(0, 100) },
    );
    return rows.map(fromAlertRow);
  }

  /**
   * The raw events behind an alert: its sample events, and events keyed on its entity within
   * `marginMs` of its first and last evidence (at most `limit`), in time order.
   */
  async eventsAround(alert: Alert, marginMs = 5 * 60_000, limit = 50): Promise<Record<string, unknown>[]> {
    const rows = await this.rows(
      `SELECT event_id, type, formatDateTime(ts, '%Y-%m-%dT%H:%i:%S.%fZ') AS ts_text, body FROM ${this.db}.events FINAL
       WHERE event_id IN {samples:Array(String)}
          OR (entity = {entity:String}
              AND ts BETWEEN fromUnixTimestamp64Milli({from:Int64}) AND fromUnixTimestamp64Milli({to:Int64}))
       ORDER BY ts, event_id LIMIT {limit:UInt32}`,
      {
        samples: alert.evidence.sample_event_ids,
        entity: alert.entity.id,
        from: Date.parse(alert.first_seen) - marginMs,
        to: Date.parse(alert.last_seen) + marginMs,
        limit,
      },
    );
    // The column `ts` stays a DateTime for the WHERE clause; the text goes out as `ts`.
    return rows.map(({ ts_text, body, ...r }) => ({
      ...r,
      ts: ts_text,
      body: JSON.parse(String(body)) as unknown,
    }));
  }

  async count(): Promise<number> {
    const rows = await this.rows(`SELECT count() AS n FROM ${this.db}.alerts FINAL`, {});
    return Number(rows[0]?.['n'] ?? 0);
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
