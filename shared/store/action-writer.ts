/** Appends triage actions to the `alert_actions` audit table. */
import { randomUUID } from 'node:crypto';
import { vigilError } from '../errors.ts';
import type { ClickHouseClient } from './client.ts';

export const TRIAGE_ACTIONS = [
  'acknowledge',
  'assign',
  'resolve',
  'false_positive',
  'reopen',
  'comment',
] as const;
export type TriageAction = (typeof TRIAGE_ACTIONS)[number];

export interface ActionRecord {
  action_id: string;
  alert_id: string;
  at: string;
  actor: string;
  role: string;
  action: TriageAction;
  assignee: string;
  note: string;
}

export class ActionStore {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly db: string,
  ) {}

  async append(input: Omit<ActionRecord, 'action_id' | 'at'>, nowMs = Date.now()): Promise<ActionRecord> {
    const record: ActionRecord = { ...input, action_id: randomUUID(), at: new Date(nowMs).toISOString() };
    try {
      await this.client.insert({
        table: `${this.db}.alert_actions`,
        values: [{ ...record, at: nowMs }],
        format: 'JSONEachRow',
      });
    } catch (err) {
      throw vigilError('VGL_ERR_STORE_QUERY', ['insert action', (err as Error).message], { cause: err });
    }
    return record;
  }

  async history(alertId: string): Promise<ActionRecord[]> {
    try {
      const result = await this.client.query({
        query: `SELECT action_id, alert_id, formatDateTime(at, '%Y-%m-%dT%H:%i:%S.%fZ') AS at, actor, role, action, assignee, note
                FROM ${this.db}.alert_actions WHERE alert_id = {id:String} ORDER BY at`,
        query_params: { id: alertId },
        format: 'JSONEachRow',
      });
      return await result.json<ActionRecord>();
    } catch (err) {
      throw vigilError('VGL_ERR_STORE_QUERY', ['actions', (err as Error).message], { cause: err });
    }
  }
}
