/**
 * Triage verdicts for `vigil feedback export`: every alert whose latest decisive action
 * (resolve, false_positive, reopen) is resolve or false_positive, with that action's actor,
 * note and time. Filters travel as query parameters.
 */
import { vigilError } from '../errors.ts';
import type { ClickHouseClient } from './client.ts';

export interface VerdictRow {
  alert_id: string;
  detector: string;
  category: string;
  tenant: string;
  entity_type: string;
  entity_id: string;
  title: string;
  first_seen: string;
  last_seen: string;
  action: 'resolve' | 'false_positive';
  actor: string;
  note: string;
  at: string;
}

const TIME = (col: string): string => `formatDateTime(${col}, '%Y-%m-%dT%H:%i:%S.%fZ')`;

export async function alertVerdicts(
  client: ClickHouseClient,
  db: string,
  range: { fromMs?: number; toMs?: number } = {},
): Promise<VerdictRow[]> {
  // Inner aliases differ from the column names: ClickHouse resolves aliases before columns.
  const where = ["v.last_action IN ('resolve', 'false_positive')"];
  if (range.fromMs !== undefined) where.push('a.first_seen >= fromUnixTimestamp64Milli({from:Int64})');
  if (range.toMs !== undefined) where.push('a.first_seen < fromUnixTimestamp64Milli({to:Int64})');
  const query = `
    SELECT a.alert_id AS alert_id, a.detector AS detector, a.category AS category, a.tenant AS tenant,
           a.entity_type AS entity_type, a.entity_id AS entity_id, a.title AS title,
           ${TIME('a.first_seen')} AS first_seen, ${TIME('a.last_seen')} AS last_seen,
           v.last_action AS action, v.last_actor AS actor, v.last_note AS note, ${TIME('v.last_at')} AS at
    FROM ${db}.alerts AS a FINAL
    INNER JOIN (
      SELECT alert_id, argMax(action, at) AS last_action, argMax(actor, at) AS last_actor,
             argMax(note, at) AS last_note, max(at) AS last_at
      FROM ${db}.alert_actions
      WHERE action IN ('resolve', 'false_positive', 'reopen')
      GROUP BY alert_id
    ) AS v ON v.alert_id = a.alert_id
    WHERE ${where.join(' AND ')}
    ORDER BY a.first_seen, a.alert_id`;
  try {
    const result = await client.query({
      query,
      query_params: {
        ...(range.fromMs !== undefined && { from: range.fromMs }),
        ...(range.toMs !== undefined && { to: range.toMs }),
      },
      format: 'JSONEachRow',
    });
    return await result.json<VerdictRow>();
  } catch (err) {
    throw vigilError('VGL_ERR_STORE_QUERY', ['alert verdicts', (err as Error).message], { cause: err });
  }
}
