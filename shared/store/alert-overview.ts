/**
 * The console's overview: alerts per hour by category, and the detectors and entities with
 * the most alerts, over a time range. Alerts count once (uniqExact of alert_id) and by the
 * hour they began (first_seen never changes between revisions), so no FINAL is needed.
 */
import { vigilError } from '../errors.ts';
import type { ClickHouseClient } from './client.ts';
import { filterSql, whereClause, type AlertFilter } from './alert-filter.ts';

export interface Overview {
  from: string;
  to: string;
  total: number;
  by_hour: Array<{ hour: string; category: string; alerts: number }>;
  by_severity: Array<{ severity: string; alerts: number }>;
  top_detectors: Array<{ detector: string; alerts: number }>;
  top_entities: Array<{ entity_type: string; entity_id: string; alerts: number; max_severity: string }>;
}

export interface OverviewQuery {
  from: number;
  to: number;
  tenant?: string;
  tenants?: readonly string[];
  top?: number;
}

export async function alertOverview(
  client: ClickHouseClient,
  db: string,
  query: OverviewQuery,
): Promise<Overview> {
  const filter: AlertFilter = {
    ...(query.tenant !== undefined && { tenant: query.tenant }),
    ...(query.tenants !== undefined && { tenants: query.tenants }),
  };
  const { where, params } = filterSql(db, filter);
  where.push(
    'first_seen >= fromUnixTimestamp64Milli({ofrom:Int64})',
    'first_seen < fromUnixTimestamp64Milli({oto:Int64})',
  );
  Object.assign(params, { ofrom: query.from, oto: query.to, top: query.top ?? 10 });
  const from = `FROM ${db}.alerts ${whereClause(where)}`;
  const rows = async (sql: string): Promise<Record<string, unknown>[]> => {
    try {
      const result = await client.query({ query: sql, query_params: params, format: 'JSONEachRow' });
      return await result.json<Record<string, unknown>>();
    } catch (err) {
      throw vigilError('VGL_ERR_STORE_QUERY', ['overview', (err as Error).message], { cause: err });
    }
  };
  const [hours, severities, detectors, entities] = await Promise.all([
    rows(
      `SELECT toStartOfHour(first_seen) AS h, category, uniqExact(alert_id) AS n ${from} GROUP BY h, category ORDER BY h, category`,
    ),
    rows(`SELECT toString(severity) AS s, uniqExact(alert_id) AS n ${from} GROUP BY s ORDER BY s`),
    rows(
      `SELECT detector, uniqExact(alert_id) AS n ${from} GROUP BY detector ORDER BY n DESC, detector LIMIT {top:UInt32}`,
    ),
    rows(
      `SELECT entity_type, entity_id, uniqExact(alert_id) AS n, toString(max(severity)) AS s ${from}
       GROUP BY entity_type, entity_id ORDER BY n DESC, entity_id LIMIT {top:UInt32}`,
    ),
  ]);
  const iso = (v: unknown): string => new Date(`${String(v).replace(' ', 'T')}Z`).toISOString();
  const by_severity = severities.map((r) => ({ severity: String(r['s']), alerts: Number(r['n']) }));
  return {
    from: new Date(query.from).toISOString(),
    to: new Date(query.to).toISOString(),
    total: by_severity.reduce((sum, r) => sum + r.alerts, 0),
    by_hour: hours.map((r) => ({
      hour: iso(r['h']),
      category: String(r['category']),
      alerts: Number(r['n']),
    })),
    by_severity,
    top_detectors: detectors.map((r) => ({ detector: String(r['detector']), alerts: Number(r['n']) })),
    top_entities: entities.map((r) => ({
      entity_type: String(r['entity_type']),
      entity_id: String(r['entity_id']),
      alerts: Number(r['n']),
      max_severity: String(r['s']),
    })),
  };
}

/** The newest alert's first_seen (epoch ms) within `tenants`, or undefined with no alerts. */
export async function latestAlertStart(
  client: ClickHouseClient,
  db: string,
  tenants?: readonly string[],
): Promise<number | undefined> {
  try {
    const result = await client.query({
      query: `SELECT toUnixTimestamp64Milli(max(first_seen)) AS t, count() AS n FROM ${db}.alerts
              ${tenants !== undefined ? 'WHERE tenant IN {scope:Array(String)}' : ''}`,
      query_params: tenants !== undefined ? { scope: tenants } : {},
      format: 'JSONEachRow',
    });
    const row = (await result.json<{ t: string; n: string }>())[0];
    return row === undefined || Number(row.n) === 0 ? undefined : Number(row.t);
  } catch (err) {
    throw vigilError('VGL_ERR_STORE_QUERY', ['overview', (err as Error).message], { cause: err });
  }
}
