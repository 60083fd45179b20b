/**
 * Alerts an output refused for good go to the dead-letter topic (DESIGN.md §2) with what the
 * receiver said, so nothing is lost silently: the record has the usual dead-letter fields
 * (original bytes, source topic/partition/offset, reason) plus the output, the HTTP status,
 * the start of the response body and the idempotency id, and is keyed like the original.
 */
import type { DeadLetter } from '../../../shared/pipeline/dead-letter.ts';
import type { Publisher } from '../../../shared/pipeline/ports.ts';
import type { Rejection } from './types.ts';

export const EXCERPT_MAX_CHARS = 512;

export interface OutputDeadLetter extends DeadLetter {
  output: string;
  status: number;
  response_excerpt: string;
  idempotency_id: string;
}

export class DeadLetters {
  constructor(
    private readonly publisher: () => Promise<Publisher>,
    private readonly topic: string,
    private readonly output: string,
  ) {}

  /** Resolves once Kafka acknowledged every record; until then the items are not done. */
  async publish(rejections: readonly Rejection[], nowMs: number): Promise<void> {
    const messages = rejections.flatMap((r) =>
      r.items.map((item) => {
        const record: OutputDeadLetter = {
          reason: `output ${this.output} refused alert ${item.alert.alert_id} with status ${r.status}`,
          source: item.source,
          original_base64: item.raw.toString('base64'),
          failed_at: new Date(nowMs).toISOString(),
          output: this.output,
          status: r.status,
          response_excerpt: r.excerpt.slice(0, EXCERPT_MAX_CHARS),
          idempotency_id: item.id,
        };
        return { key: item.key === null ? null : item.key.toString('utf8'), value: JSON.stringify(record) };
      }),
    );
    if (messages.length === 0) return;
    await (await this.publisher()).publish(this.topic, messages);
  }
}
