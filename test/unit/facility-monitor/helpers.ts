/** Simulated facility traffic for the facility detectors' tests (library API, small world). */
import type { BadgeEvent, FacilityEvent } from '../../../shared/events/types.ts';
import { EMPTY_ENVIRONMENT, type DetectorEnvironment } from '../../../shared/pipeline/environment.ts';
import { SiteDirectory } from '../../../shared/sites/site-directory.ts';
import type { ScenarioRequest } from '../../../shared/simulate/scenarios/types.ts';
import { simulate, type Simulation } from '../../../shared/simulate/simulate.ts';

export const T0 = Date.parse('2026-03-02T00:00:00Z');
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export interface FacilityWorld {
  sim: Simulation;
  events: FacilityEvent[];
}

const cache = new Map<string, FacilityWorld>();

/** The facility events of a small simulated world (cached per argument set within a file). */
export function facilityWorld(
  days: number,
  scenarios: Array<string | ScenarioRequest>,
  seed = 5,
): FacilityWorld {
  const key = JSON.stringify([days, scenarios, seed]);
  let world = cache.get(key);
  if (world === undefined) {
    const sim = simulate({ seed, days, size: 'small', scenarios, start: T0 });
    const events = [...sim.events].filter((e): e is FacilityEvent => e.type === 'facility');
    cache.set(key, (world = { sim, events }));
  }
  return world;
}

let n = 0;

/** A hand-made badge presentation. */
export function badge(
  ts: number,
  fields: Partial<BadgeEvent> & Pick<BadgeEvent, 'site' | 'zone' | 'badge_id' | 'result'>,
): BadgeEvent {
  return {
    type: 'facility',
    event_id: `test-badge-${n++}`,
    ts,
    tenant: 'acme',
    kind: 'badge',
    door_id: `${fields.site}-${fields.zone}-door-1`,
    direction: 'in',
    holder_role: 'staff',
    ...fields,
  };
}

/** Inserts `extra` into `events` keeping time order. */
export function merged(events: readonly FacilityEvent[], extra: readonly FacilityEvent[]): FacilityEvent[] {
  return [...events, ...extra].sort((a, b) => a.ts - b.ts);
}

/** What `buildEnvironment` gives with no `sites:` or calendars declared: the documented defaults. */
export function defaultEnvironment(): DetectorEnvironment {
  return { calendars: EMPTY_ENVIRONMENT.calendars, sites: new SiteDirectory() };
}
