/** Where an event goes on Kafka (DESIGN.md §2): its topic and partition key. */
import type { VigilEvent } from '../events/types.ts';

export interface TopicNames {
  inference: string;
  access: string;
  facility: string;
}

export const DEFAULT_TOPICS: Readonly<TopicNames> = {
  inference: 'vigil.inference',
  access: 'vigil.access',
  facility: 'vigil.facility',
};

/** The key detectors partition on: model, principal, or `site/zone`. */
export function eventKey(e: VigilEvent): string {
  if (e.type === 'inference') return e.model_id;
  if (e.type === 'access') return e.principal;
  return `${e.site}/${e.zone}`;
}
