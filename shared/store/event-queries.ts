/**
 * Reads the `events` table around an alert: its raw events, and one measure aggregated per
 * minute for the alert view's chart. Which events and which measure is the caller's choice
 * (an EventSelector and a SeriesMeasure); JSON paths and values travel as query parameters.
 */
import type { EventType } from '../events/types.ts';
import { vigilError } from '../errors.ts';
import type { ClickHouseClient } from './client.ts';

export interface FieldMatch {
  /** JSON path inside the event body, e.g. ["device_id"] or ["metrics", "load_pct"]. */
  path: readonly string[];
  value: string;
}

export interface EventSelector {
  type?: EventType;
  /** The events' key column (model_id, principal or site/zone — shared/events/keys.ts). */
  entity?: string;
  /** Body fields that must equal these values. */
  match?: readonly FieldMatch[];
  /** The caller's tenant scope; absent = all tenants. */
  tenants?: readonly string[];
  /** Epoch ms, [from, to). */
  from: number;
  to: number;
}

export interface SeriesMeasure {
  agg: 'count' | 'sum' | 'avg' | 'max';
  /** The numeric body field that sum/avg/max read. */
  field?: readonly string[];
  /** Only events whose body fields equal these values count. */
  where?: readonly FieldMatch[];
}

export interface SeriesPoint {
  /** Start of the minute, epoch ms. */
  t: number;
  /** The measure over that minute; events in it. */
  value: number;
  events: number;
}

class Sql {
  readonly where: string[] = [];
  readonly params: Record<string, unknown> = {};
  private n = 0;

  param(value: unknown, type: string): string {
    const name = `p${this.n++}`;
    this.params[name] = value;
    return `{${name}:${type}}`;
  }

  path(path: readonly string[]): string {
    return path.map((p) => this.param(p, 'String')).join(', ');
  }

  select(s: EventSelector, extra: readonly FieldMatch[] = []): void {
    this.where.push(`ts >= fromUnixTimestamp64Milli(${this.param(s.from, 'Int64')})`);
    this.where.push(`ts < fromUnixTimestamp64Milli(${this.param(s.to, 'Int64')})`);
    if (s.type !== undefined) this.where.push(`type = ${this.param(s.type, 'String')}`);
    if (s.entity !== undefined) this.where.push(`entity = ${this.param(s.entity, 'String')}`);
    if (s.tenants !== undefined) this.where.push(`tenant IN ${this.param(s.tenants, 'Array(String)')}`);
    for (const m of [...(s.match ?? []), ...extra]) {
      this.where.push(`JSONExtractString(body, ${this.path(m.path)}) = ${this.param(m.value, 'String')}`);
    }
  }
}

export class EventQueries {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly db: string,
  ) {}

  /** The measure per minute over the selected events; minutes without events are absent. */
  async series(selector: EventSelector, measure: SeriesMeasure): Promise<SeriesPoint[]> {
    const sql = new Sql();
    sql.select(selector, measure.where);
    let value = 'count()';
    if (measure.agg !== 'count') {
      if (measure.field === undefined) throw new TypeError(`a ${measure.agg} measure needs a field`);
      const path = sql.path(measure.field);
      sql.where.push(`JSONType(body, ${path}) IN ('Int64', 'UInt64', 'Double')`);
      value = `${measure.agg}(JSONExtractFloat(body, ${path}))`;
    }
    const rows = await this.rows(
      `SELECT toUnixTimestamp(toStartOfMinute(ts)) * 1000 AS t, ${value} AS v, count() AS n
       FROM ${this.db}.events FINAL WHERE ${sql.where.join(' AND ')}
       GROUP BY t ORDER BY t LIMIT 10000`,
      sql.params,
    );
    rows.sort((a, b) => String(a['ts_text']).localeCompare(String(b['ts_text'])));
    return rows.map((r) => ({ t: Number(r['t']), value: Number(r['v']), events: Number(r['n']) }));
  }

  /**
   * Raw events: the alert's sample events (by id) and the selected events nearest `centerMs`,
   * at most `limit`, in time order. Sample events outside the tenant scope stay hidden.
   */
  async around(
    selector: EventSelector,
    sampleIds: readonly string[],
    centerMs: number,
    limit = 50,
  ): Promise<Array<{ event_id: string; type: string; tenant: string; ts: string; body: unknown }>> {
    const sql = new Sql();
    sql.select(selector);
    const samples = sql.param(sampleIds.slice(0, 100), 'Array(String)');
    const scope =
      selector.tenants !== undefined ? `AND tenant IN ${sql.param(selector.tenants, 'Array(String)')}` : '';
    const rows = await this.rows(
      `SELECT event_id, type, tenant, formatDateTime(ts, '%Y-%m-%dT%H:%i:%S.%fZ') AS ts_text, body
       FROM ${this.db}.events FINAL
       WHERE (event_id IN ${samples} ${scope}) OR (${sql.where.join(' AND ')})
       ORDER BY event_id IN ${samples} DESC, abs(toUnixTimestamp64Milli(ts) - ${sql.param(centerMs, 'Int64')}), event_id
       LIMIT ${sql.param(limit, 'UInt32')}`,
      sql.params,
    );
    rows.sort((a, b) => String(a['ts_text']).localeCompare(String(b['ts_text'])));
    return rows.map((r) => ({
      event_id: String(r['event_id']),
      type: String(r['type']),
      tenant: String(r['tenant']),
      ts: String(r['ts_text']),
      body: JSON.parse(String(r['body'])) as unknown,
    }));
  }

  /** Where the alert's sample events live: their type and key column (first found). */
  async locate(sampleIds: readonly string[]): Promise<{ type: EventType; entity: string } | undefined> {
    if (sampleIds.length === 0) return undefined;
    const rows = await this.rows(
      `SELECT type, entity FROM ${this.db}.events WHERE event_id IN {ids:Array(String)} LIMIT 1`,
      { ids: sampleIds.slice(0, 20) },
    );
    const row = rows[0];
    return row === undefined ? undefined : { type: row['type'] as EventType, entity: String(row['entity']) };
  }

  private async rows(query: string, params: Record<string, unknown>): Promise<Record<string, unknown>[]> {
    try {
      const result = await this.client.query({ query, query_params: params, format: 'JSONEachRow' });
      return await result.json<Record<string, unknown>>();
    } catch (err) {
      throw vigilError('VGL_ERR_STORE_QUERY', ['events', (err as Error).message], { cause: err });
    }
  }
}
