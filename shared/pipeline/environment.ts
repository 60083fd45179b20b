/**
 * What detectors may know about the world besides their own config section: named
 * calendars (maintenance windows, business hours) and the sites and zones of the
 * facilities, declared once in config and shared by every detector. The pipeline defines
 * the lookups it hands to detectors; the configured implementations are wired at boot.
 */

export interface CalendarLookup {
  has(name: string): boolean;
  /** True when event time `ts` (epoch ms) falls in one of calendar `name`'s windows. */
  isActive(name: string, ts: number): boolean;
}

export interface ZoneInfo {
  site: string;
  zone: string;
  /** Physical access to the zone is restricted (power rooms, cages…). */
  restricted: boolean;
  /** Calendars whose windows are maintenance windows for the zone's devices. */
  maintenance: readonly string[];
  /** Calendar of the zone's business hours, when declared. */
  businessHours: string | undefined;
}

export interface SiteLookup {
  /** A zone's attributes; undeclared zones get the documented defaults. */
  zone(site: string, zone: string): ZoneInfo;
  /** Least plausible minutes to get from one zone to another (undefined: unknown). */
  travelMinutes(from: { site: string; zone: string }, to: { site: string; zone: string }): number | undefined;
}

export interface DetectorEnvironment {
  calendars: CalendarLookup;
  sites: SiteLookup;
}

/** No calendars, no declared sites: every zone unrestricted, travel times unknown. */
export const EMPTY_ENVIRONMENT: DetectorEnvironment = {
  calendars: { has: () => false, isActive: () => false },
  sites: {
    zone: (site, zone) => ({ site, zone, restricted: false, maintenance: [], businessHours: undefined }),
    travelMinutes: () => undefined,
  },
};
