/**
 * Turns a batch from the alerts topic into delivery items, one per alert: several
 * revisions of one alert in a batch collapse to the latest (highest event_count), so an
 * output gets the current state rather than a storm of updates. Same rule as
 * shared/pipeline/alert-fanout.ts, but keeping each message's bytes and offset for the
 * dead-letter record.
 */
import type { Alert } from '../../../shared/events/types.ts';
import type { PipelineLogger } from '../../../shared/pipeline/observer.ts';
import type { SourceBatch } from '../../../shared/pipeline/ports.ts';
import type { DeliveryItem } from './types.ts';

export function idempotencyId(alert: Alert): string {
  return `${alert.alert_id}:${alert.event_count}`;
}

export function coalesce(batch: SourceBatch, log: PipelineLogger): DeliveryItem[] {
  const latest = new Map<string, DeliveryItem>();
  for (const message of batch.messages) {
    if (message.value === null) continue;
    let alert: Alert;
    try {
      alert = JSON.parse(message.value.toString('utf8')) as Alert;
    } catch {
      log.warn(
        { topic: batch.topic, partition: batch.partition, offset: message.offset },
        'unparseable alert skipped',
      );
      continue;
    }
    if (typeof alert?.alert_id !== 'string' || typeof alert.event_count !== 'number') continue;
    const seen = latest.get(alert.alert_id);
    if (seen !== undefined && seen.alert.event_count > alert.event_count) continue;
    latest.set(alert.alert_id, {
      alert,
      id: idempotencyId(alert),
      source: { topic: batch.topic, partition: batch.partition, offset: message.offset },
      key: message.key,
      raw: message.value,
    });
  }
  return [...latest.values()];
}
