/**
 * Reads analysts' false_positive marks from the `alert_actions` audit table, for outputs
 * that suppress updates of alerts marked so. A mark counts while the latest of the alert's
 * false_positive/reopen actions is a false_positive; the alert's detector and entity come
 * along so an output can also match later alerts of the same entity.
 */
import { vigilError } from '../errors.ts';
import type { ClickHouseClient } from './client.ts';

export interface FalsePositiveMark {
  alert_id: string;
  /** Wall-clock time of the mark, epoch milliseconds. */
  marked_at_ms: number;
  detector: string;
  tenant: string;
  entity_type: string;
  entity_id: string;
}

/** More marks than this in one look-back window means something else is wrong; cap memory. */
const MAX_MARKS = 10_000;

export class FalsePositiveMarks {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly db: string,
  ) {}

  /** Marks made at or after `sinceMs` that a reopen has not undone. */
  async since(sinceMs: number): Promise<FalsePositiveMark[]> {
    try {
      const result = await this.client.query({
        query: `
          SELECT m.alert_id AS alert_id, m.marked_at_ms AS marked_at_ms,
                 a.detector AS detector, a.tenant AS tenant, a.entity_type AS entity_type, a.entity_id AS entity_id
          FROM (
            SELECT alert_id, toUnixTimestamp64Milli(max(at)) AS marked_at_ms
            FROM ${this.db}.alert_actions
            WHERE action IN ('false_positive', 'reopen') AND at >= fromUnixTimestamp64Milli({since:Int64}, 'UTC')
            GROUP BY alert_id
            HAVING argMax(action, at) = 'false_positive'
            LIMIT ${MAX_MARKS}
          ) AS m
          LEFT JOIN (
            SELECT alert_id, any(detector) AS detector, any(tenant) AS tenant,
                   any(entity_type) AS entity_type, any(entity_id) AS entity_id
            FROM ${this.db}.alerts
            WHERE alert_id IN (
              SELECT alert_id FROM ${this.db}.alert_actions
              WHERE action = 'false_positive' AND at >= fromUnixTimestamp64Milli({since:Int64}, 'UTC'))
            GROUP BY alert_id
          ) AS a ON a.alert_id = m.alert_id`,
        query_params: { since: Math.floor(sinceMs) },
        format: 'JSONEachRow',
      });
      const rows = await result.json<Record<string, unknown>>();
      return rows.map((r) => ({
        alert_id: String(r['alert_id']),
        marked_at_ms: Number(r['marked_at_ms']),
        detector: String(r['detector'] ?? ''),
        tenant: String(r['tenant'] ?? ''),
        entity_type: String(r['entity_type'] ?? ''),
        entity_id: String(r['entity_id'] ?? ''),
      }));
    } catch (err) {
      throw vigilError('VGL_ERR_STORE_QUERY', ['false_positive marks', (err as Error).message], {
        cause: err,
      });
    }
  }
}
