/**
 * Dead-letter records (docs/architecture.md, "Topics"): the original bytes, base64, where they came from,
 * and a reason that names the field. Keyed like the original message.
 */
import type { OutboundMessage } from './ports.ts';

export interface DeadLetter {
  reason: string;
  source: { topic: string; partition: number; offset: string };
  original_base64: string;
  failed_at: string;
}

export function deadLetterMessage(
  raw: Buffer,
  key: Buffer | null,
  source: DeadLetter['source'],
  reason: string,
  nowMs: number,
): OutboundMessage {
  const record: DeadLetter = {
    reason,
    source,
    original_base64: raw.toString('base64'),
    failed_at: new Date(nowMs).toISOString(),
  };
  return { key: key === null ? null : key.toString('utf8'), value: JSON.stringify(record) };
}
