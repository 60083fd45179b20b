/**
 * The detector environment a simulated world's operator would declare: every declared
 * maintenance window of `world.maintenance` as a calendar named `maintenance:<site>/<zone>`
 * listed in that zone's `maintenance`, and the sites without further attributes (restricted
 * zones by the documented name default). A small stand-in CalendarLookup until the calendar
 * module (issue 17) is merged: it answers `isActive` from the world's one-off windows.
 */
import type { CalendarLookup, DetectorEnvironment } from '../../shared/pipeline/environment.ts';
import type { World } from '../../shared/simulate/world-types.ts';
import { SiteDirectory, type SiteDeclaration } from '../../shared/sites/site-directory.ts';

/** A calendar of fixed windows: name → [start, end) in epoch ms. */
export function fixedWindowCalendars(windows: Record<string, Array<[number, number]>>): CalendarLookup {
  return {
    has: (name) => name in windows,
    isActive: (name, ts) => (windows[name] ?? []).some(([a, b]) => ts >= a && ts < b),
  };
}

export function worldEnvironment(world: Pick<World, 'maintenance' | 'sites'>): DetectorEnvironment {
  const windows: Record<string, Array<[number, number]>> = {};
  const sites: Record<string, SiteDeclaration & { zones: Record<string, { maintenance: string[] }> }> = {};
  for (const m of world.maintenance) {
    const name = `maintenance:${m.site}/${m.zone}`;
    (windows[name] ??= []).push([Date.parse(m.start), Date.parse(m.end)]);
    const site = (sites[m.site] ??= { zones: {} });
    site.zones[m.zone] = { maintenance: [name] };
  }
  return { calendars: fixedWindowCalendars(windows), sites: new SiteDirectory(sites) };
}
