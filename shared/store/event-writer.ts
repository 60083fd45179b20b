/** Writes validated events to the `events` table in batches, for investigation and backtests. */
import { partitionKey } from '../events/keys.ts';
import type { VigilEvent } from '../events/types.ts';
import { vigilError } from '../errors.ts';
import type { ClickHouseClient } from './client.ts';

export class EventWriter {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
  ) {}

  /** `texts[i]`, when given, is event i's JSON as received; it is stored as the body verbatim. */
  async write(events: readonly VigilEvent[], texts?: ReadonlyArray<string | undefined>): Promise<void> {
    if (events.length === 0) return;
    const values = events.map((e, i) => ({
      event_id: e.event_id,
      type: e.type,
      tenant: e.tenant,
      ts: e.ts,
      entity: partitionKey(e),
      source: e.source ?? '',
      body: texts?.[i] ?? JSON.stringify(e),
    }));
    try {
      await this.client.insert({ table: `${this.database}.events`, values, format: 'JSONEachRow' });
    } catch (err) {
      throw vigilError('VGL_ERR_STORE_QUERY', ['insert events', (err as Error).message], { cause: err });
    }
  }
}
