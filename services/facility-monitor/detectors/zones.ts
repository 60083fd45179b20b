/**
 * What the facility detectors ask of the sites and calendars environment, in one place:
 * a zone's attributes (cached per zone: they come from config and never change while a
 * detector lives) and whether an event falls in one of its maintenance windows.
 */
import type { DetectorEnvironment, ZoneInfo } from '../../../shared/pipeline/environment.ts';

export type ZoneCache = (site: string, zone: string) => ZoneInfo;

export function zoneCache(env: DetectorEnvironment): ZoneCache {
  const cache = new Map<string, ZoneInfo>();
  return (site, zone) => {
    const key = `${site}/${zone}`;
    let info = cache.get(key);
    if (info === undefined) cache.set(key, (info = env.sites.zone(site, zone)));
    return info;
  };
}

export interface WindowCheck {
  inside: boolean;
  /** The zone's maintenance calendars. */
  calendars: string[];
  /** For descriptions: "inside maintenance window x" / "outside … (x, y)" / "none declared". */
  sentence: string;
}

export function maintenanceWindow(
  zones: ZoneCache,
  env: DetectorEnvironment,
  at: { site: string; zone: string; ts: number },
): WindowCheck {
  const calendars = [...zones(at.site, at.zone).maintenance];
  const active = calendars.find((c) => env.calendars.isActive(c, at.ts));
  if (active !== undefined)
    return { inside: true, calendars, sentence: `inside maintenance window "${active}"` };
  if (calendars.length === 0)
    return { inside: false, calendars, sentence: 'no maintenance window is declared for the zone' };
  return {
    inside: false,
    calendars,
    sentence: `outside the zone's maintenance windows (${calendars.join(', ')})`,
  };
}

/** `site/zone` of an alert, from its entity or its evidence (facility detectors put both there). */
export function zoneOfAlert(alert: {
  entity: { type: string; id: string };
  evidence: Record<string, unknown>;
}): string | undefined {
  if (alert.entity.type === 'zone') return alert.entity.id;
  const { site, zone } = alert.evidence;
  return typeof site === 'string' && typeof zone === 'string' ? `${site}/${zone}` : undefined;
}
