/**
 * Builds the detectors' environment (calendars and sites, shared/pipeline/environment.ts)
 * from the validated config, once at boot. Every service and `vigil replay` use the same
 * one, so maintenance windows and restricted zones mean the same everywhere.
 */
import { CalendarSet } from '../calendar/calendar-set.ts';
import type { ResolvedConfig } from '../config/index.ts';
import { vigilError } from '../errors.ts';
import type { CalendarLookup, DetectorEnvironment } from '../pipeline/environment.ts';
import { SiteDirectory } from '../sites/site-directory.ts';

/** The environment with its concrete parts, so a config reload can update them in place. */
export interface ConfiguredEnvironment extends DetectorEnvironment {
  calendars: CalendarSet;
}

export function buildEnvironment(config: ResolvedConfig): ConfiguredEnvironment {
  const calendars = CalendarSet.fromConfig(config.calendars);
  return { calendars, sites: buildSites(config, calendars) };
}

/**
 * The `sites:` section as a SiteLookup. Every calendar a site or zone names must be
 * declared: a maintenance window nobody can find would silently turn planned work into
 * high-severity alerts, so the config is rejected instead.
 */
export function buildSites(config: Pick<ResolvedConfig, 'sites'>, calendars: CalendarLookup): SiteDirectory {
  const sites = new SiteDirectory(config.sites);
  const problems = sites
    .calendarReferences()
    .filter((r) => !calendars.has(r.name))
    .map((r) => `${r.path}: unknown calendar "${r.name}" (declare it under calendars:)`);
  if (problems.length > 0)
    throw vigilError('VGL_ERR_CONFIG_INVALID', [problems.join('; ')], { context: { problems } });
  return sites;
}
