/**
 * Alert filters as SQL: fixed fragments over the `alerts` and `alert_actions` tables whose
 * values travel only as ClickHouse query parameters ({name:Type}). The database name is a
 * validated identifier from config. Shared by the alert list and the overview.
 */
import type { AlertCategory, Severity } from '../events/types.ts';

export type AlertStatus = 'open' | 'acknowledged' | 'assigned' | 'resolved' | 'false_positive';

export interface AlertFilter {
  /** Epoch ms: alerts still active at or after this time (last_seen ≥ from). */
  from?: number;
  /** Epoch ms: alerts that began before this time (first_seen < to). */
  to?: number;
  severities?: Severity[];
  categories?: AlertCategory[];
  /** Detector ids; an entry ending in ".*" matches every id under that prefix. */
  detectors?: string[];
  entityId?: string;
  entityType?: string;
  tenant?: string;
  /** The caller's tenant scope: only these tenants' alerts exist for it. Absent = all. */
  tenants?: readonly string[];
  status?: AlertStatus[];
  text?: string;
}

/** The status of an alert from its last non-comment triage action (`last_action`). */
export const STATUS_SQL = `multiIf(last_action = 'resolve', 'resolved', last_action = 'false_positive', 'false_positive',
  last_action = 'assign', 'assigned', last_action = 'acknowledge', 'acknowledged', 'open')`;

/** alert_id → last non-comment action, for the alerts in `where` (a condition on alert_id). */
export const lastActions = (db: string, where = '1'): string =>
  `SELECT alert_id, argMaxIf(action, at, action != 'comment') AS last_action
   FROM ${db}.alert_actions WHERE ${where} GROUP BY alert_id`;

export interface SqlFilter {
  where: string[];
  params: Record<string, unknown>;
}

export function filterSql(db: string, filter: AlertFilter): SqlFilter {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  const add = (sql: string, name: string, value: unknown): void => {
    where.push(sql);
    params[name] = value;
  };
  if (filter.from !== undefined)
    add('last_seen >= fromUnixTimestamp64Milli({from:Int64})', 'from', filter.from);
  if (filter.to !== undefined) add('first_seen < fromUnixTimestamp64Milli({to:Int64})', 'to', filter.to);
  if (filter.severities?.length) add('severity IN {sev:Array(String)}', 'sev', filter.severities);
  if (filter.categories?.length) add('category IN {cat:Array(String)}', 'cat', filter.categories);
  if (filter.detectors?.length) {
    const exact = filter.detectors.filter((d) => !d.endsWith('.*'));
    const prefixes = filter.detectors.filter((d) => d.endsWith('.*')).map((d) => d.slice(0, -1));
    where.push(
      '(detector IN {det:Array(String)} OR arrayExists(p -> startsWith(detector, p), {detp:Array(String)}))',
    );
    params['det'] = exact;
    params['detp'] = prefixes;
  }
  if (filter.entityId !== undefined) add('entity_id = {eid:String}', 'eid', filter.entityId);
  if (filter.entityType !== undefined) add('entity_type = {etype:String}', 'etype', filter.entityType);
  if (filter.tenant !== undefined) add('tenant = {tenant:String}', 'tenant', filter.tenant);
  if (filter.tenants !== undefined) add('tenant IN {scope:Array(String)}', 'scope', filter.tenants);
  if (filter.status?.length) {
    // Alerts without actions are open, so "open" is NOT IN the alerts whose status is another.
    const open = filter.status.includes('open');
    add(
      `alert_id ${open ? 'NOT IN' : 'IN'} (SELECT alert_id FROM (${lastActions(db)})
        WHERE ${STATUS_SQL} ${open ? 'NOT IN' : 'IN'} {status:Array(String)})`,
      'status',
      filter.status,
    );
  }
  if (filter.text !== undefined && filter.text !== '') {
    add(
      '(positionCaseInsensitiveUTF8(title, {text:String}) > 0 OR positionCaseInsensitiveUTF8(description, {text:String}) > 0 OR entity_id = {text:String})',
      'text',
      filter.text,
    );
  }
  return { where, params };
}

export const whereClause = (where: readonly string[]): string =>
  where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
