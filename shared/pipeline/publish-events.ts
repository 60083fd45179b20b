/** Publishes validated events to their input topics (docs/architecture.md, "Topics"), keyed by entity. */
import { partitionKey } from '../events/keys.ts';
import type { EventType, VigilEvent } from '../events/types.ts';
import type { OutboundMessage, Publisher } from './ports.ts';

export async function publishEvents(
  publisher: Publisher,
  topics: Readonly<Record<EventType, string>>,
  events: readonly VigilEvent[],
): Promise<void> {
  const byTopic = new Map<string, OutboundMessage[]>();
  for (const e of events) {
    const topic = topics[e.type];
    let list = byTopic.get(topic);
    if (list === undefined) byTopic.set(topic, (list = []));
    list.push({ key: partitionKey(e), value: JSON.stringify(e) });
  }
  await Promise.all([...byTopic].map(([topic, messages]) => publisher.publish(topic, messages)));
}
