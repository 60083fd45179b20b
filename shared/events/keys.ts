import type { VigilEvent } from './types.ts';

/** The Kafka key of an event (docs/architecture.md, "Topics"): the entity its detectors key on. */
export function partitionKey(event: VigilEvent): string {
  if (event.type === 'inference') return event.model_id;
  if (event.type === 'access') return event.principal;
  return `${event.site}/${event.zone}`;
}
