/**
 * Delivers alerts from the alerts topic to one output (ClickHouse, a SIEM webhook…).
 * Each output consumes as its own consumer group, so a slow or failing SIEM never holds
 * back the others; a batch resolves — and its offsets commit — only after the output
 * accepted it. Several revisions of one alert in a batch collapse to the latest.
 */
import type { Alert } from '../events/types.ts';
import type { PipelineLogger } from './observer.ts';
import type { SourceBatch } from './ports.ts';

export interface AlertOutput {
  readonly name: string;
  write(alerts: readonly Alert[]): Promise<void>;
}

export function latestRevisions(batch: SourceBatch, log: PipelineLogger): Alert[] {
  const latest = new Map<string, Alert>();
  for (const message of batch.messages) {
    if (message.value === null) continue;
    let alert: Alert;
    try {
      alert = JSON.parse(message.value.toString('utf8')) as Alert;
    } catch {
      log.warn({ topic: batch.topic, offset: message.offset }, 'unparseable alert skipped');
      continue;
    }
    if (typeof alert.alert_id !== 'string') continue;
    const seen = latest.get(alert.alert_id);
    if (seen === undefined || alert.event_count >= seen.event_count) latest.set(alert.alert_id, alert);
  }
  return [...latest.values()];
}

export interface OutputObserver {
  written?(alerts: Alert[]): void;
  /** The batch failed and will be delivered again. */
  failed?(err: unknown): void;
}

export function alertOutputHandler(output: AlertOutput, log: PipelineLogger, observer: OutputObserver = {}) {
  return async (batch: SourceBatch): Promise<void> => {
    const alerts = latestRevisions(batch, log);
    if (alerts.length === 0) return;
    try {
      await output.write(alerts);
    } catch (err) {
      observer.failed?.(err);
      throw err;
    }
    observer.written?.(alerts);
  };
}
