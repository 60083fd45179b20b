/**
 * Writes alerts to ClickHouse in batches. Each write is one INSERT; the caller commits
 * its Kafka offsets only after `write` resolves. Duplicates (replays, redeliveries) are
 * harmless: the table deduplicates on alert_id, keeping the highest revision.
 */
import type { Alert } from '../events/types.ts';
import { vigilError } from '../errors.ts';
import type { ClickHouseClient } from './client.ts';

export interface AlertRow {
  alert_id: string;
  detector: string;
  category: string;
  severity: string;
  score: number;
  tenant: string;
  entity_type: string;
  entity_id: string;
  title: string;
  description: string;
  first_seen: number;
  last_seen: number;
  detected_at: number;
  event_count: number;
  evidence: string;
  techniques: string[];
  related: string[];
  revision: number;
}

export function toAlertRow(alert: Alert): AlertRow {
  return {
    alert_id: alert.alert_id,
    detector: alert.detector,
    category: alert.category,
    severity: alert.severity,
    score: alert.score,
    tenant: alert.tenant,
    entity_type: alert.entity.type,
    entity_id: alert.entity.id,
    title: alert.title,
    description: alert.description,
    first_seen: Date.parse(alert.first_seen),
    last_seen: Date.parse(alert.last_seen),
    detected_at: Date.parse(alert.detected_at),
    event_count: alert.event_count,
    evidence: JSON.stringify(alert.evidence),
    techniques: alert.techniques,
    related: alert.related,
    // Within an episode every update adds evidence, so the count orders revisions.
    revision: alert.event_count,
  };
}

export function fromAlertRow(row: AlertRow | Record<string, unknown>): Alert {
  const r = row as Record<string, unknown>;
  const toIso = (v: unknown): string => new Date(`${String(v).replace(' ', 'T')}Z`).toISOString();
  return {
    alert_id: String(r['alert_id']),
    detector: String(r['detector']),
    category: r['category'] as Alert['category'],
    severity: r['severity'] as Alert['severity'],
    score: Number(r['score']),
    tenant: String(r['tenant']),
    entity: { type: r['entity_type'] as Alert['entity']['type'], id: String(r['entity_id']) },
    title: String(r['title']),
    description: String(r['description']),
    first_seen: toIso(r['first_seen']),
    last_seen: toIso(r['last_seen']),
    detected_at: toIso(r['detected_at']),
    event_count: Number(r['event_count']),
    evidence: JSON.parse(String(r['evidence'])) as Alert['evidence'],
    techniques: (r['techniques'] as string[]) ?? [],
    related: (r['related'] as string[]) ?? [],
  };
}

export class AlertWriter {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
  ) {}

  async write(alerts: readonly Alert[]): Promise<void> {
    if (alerts.length === 0) return;
    try {
      await this.client.insert({
        table: `${this.database}.alerts`,
        values: alerts.map(toAlertRow),
        format: 'JSONEachRow',
      });
    } catch (err) {
      throw vigilError('VGL_ERR_STORE_QUERY', ['insert alerts', (err as Error).message], { cause: err });
    }
  }
}
