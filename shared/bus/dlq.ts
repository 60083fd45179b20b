/**
 * Dead-letter records (DESIGN.md §2, `vigil.dlq`): the original bytes, where they came from
 * and why they were rejected, keyed by the original key so a fixed record can be replayed
 * onto its source topic with the same partitioning.
 */
import type { OutboundMessage } from '../pipeline/ports.ts';

export interface DeadLetterInput {
  raw: Buffer | null;
  key: Buffer | string | null;
  topic: string;
  partition: number;
  offset: string;
  /** Names the field and rule, e.g. `facility.metrics.load_pct: expected number`. */
  reason: string;
  /** Defaults to now. */
  failedAt?: Date;
}

export interface DeadLetterValue {
  reason: string;
  source: { topic: string; partition: number; offset: string };
  original_base64: string;
  failed_at: string;
}

export function toDeadLetter(input: DeadLetterInput): OutboundMessage {
  const value: DeadLetterValue = {
    reason: input.reason,
    source: { topic: input.topic, partition: input.partition, offset: input.offset },
    original_base64: input.raw === null ? '' : input.raw.toString('base64'),
    failed_at: (input.failedAt ?? new Date()).toISOString(),
  };
  const key = input.key === null ? null : Buffer.isBuffer(input.key) ? input.key.toString('utf8') : input.key;
  return { key, value: JSON.stringify(value) };
}
