/**
 * Archives validated events into ClickHouse's `events` table as a consumer group of its
 * own on the three input topics, so a slow or absent ClickHouse never holds back
 * detection. At-least-once: a batch commits after its insert; the table deduplicates
 * replays (ReplacingMergeTree on type, entity, time and event id). Invalid messages are
 * skipped here: the monitors dead-letter them.
 */
import { decodeMessage, type Decoded } from '../events/decode.ts';
import type { EventSource, SourceBatch } from '../pipeline/ports.ts';
import { EventWriter } from '../store/event-writer.ts';
import type { ServiceContext } from './context.ts';

export const ARCHIVER_GROUP = 'vigil-alert-sink-events';

export async function startEventArchiver(ctx: ServiceContext): Promise<EventSource> {
  const store = await ctx.store();
  const writer = new EventWriter(store.client, ctx.config.clickhouse.database);
  const { inference, access, facility } = ctx.topics;
  const expected = new Map([
    [inference, 'inference'],
    [access, 'access'],
    [facility, 'facility'],
  ]);
  const source = ctx.bus.source({ groupId: ARCHIVER_GROUP, topics: [inference, access, facility] });
  await source.start(async (batch: SourceBatch) => {
    const decoded: Decoded = { events: [], rejections: [], texts: [] };
    for (const m of batch.messages) decodeMessage(m.value, decoded);
    const type = expected.get(batch.topic);
    const keep = decoded.events.map((e) => e.type === type);
    const events = decoded.events.filter((_, i) => keep[i]);
    const texts = decoded.texts?.filter((_, i) => keep[i]);
    try {
      await writer.write(events, texts);
    } catch (err) {
      ctx.metrics.sinkWrites.inc({ sink: 'events', outcome: 'error' });
      throw err;
    }
    ctx.metrics.sinkWrites.inc({ sink: 'events', outcome: 'ok' });
  });
  return source;
}
