/**
 * ClickHouse as an output like the others: the latest revision of each alert in a batch is
 * inserted, retried with backoff while ClickHouse is unreachable (offsets stay uncommitted),
 * never dead-lettered — the table is the system of record and deduplicates on alert_id.
 */
import { errorMessage } from '../../../shared/errors.ts';
import type { AlertWriter } from '../../../shared/store/alert-writer.ts';
import type { DeliveryItem, SendOutcome, Transport } from '../delivery/types.ts';

export class ClickHouseTransport implements Transport {
  readonly batchMax = 10_000;

  constructor(private readonly writer: AlertWriter) {}

  async send(items: readonly DeliveryItem[]): Promise<SendOutcome> {
    try {
      await this.writer.write(items.map((i) => i.alert));
      return {};
    } catch (err) {
      return { retry: { items: [...items], kind: 'error', reason: errorMessage(err) } };
    }
  }

  async close(): Promise<void> {}
}
