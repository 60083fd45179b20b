/**
 * Builds the detectors' environment (calendars and sites, shared/pipeline/environment.ts)
 * from the validated config, once at boot. Every service and `vigil replay` use the same
 * one, so maintenance windows and restricted zones mean the same everywhere.
 */
import { CalendarSet } from '../calendar/calendar-set.ts';
import type { ResolvedConfig } from '../config/index.ts';
import { EMPTY_ENVIRONMENT, type DetectorEnvironment } from '../pipeline/environment.ts';

/** The environment with its concrete parts, so a config reload can update them in place. */
export interface ConfiguredEnvironment extends DetectorEnvironment {
  calendars: CalendarSet;
}

export function buildEnvironment(config: ResolvedConfig): ConfiguredEnvironment {
  const calendars = CalendarSet.fromConfig(config.calendars);
  // Sites (`sites:`) plug in here as their config section lands.
  const sites = EMPTY_ENVIRONMENT.sites;
  return { calendars, sites };
}
