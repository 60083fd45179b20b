/**
 * Builds the detectors' environment (calendars and sites, shared/pipeline/environment.ts)
 * from the validated config, once at boot. Every service and `vigil replay` use the same
 * one, so maintenance windows and restricted zones mean the same everywhere.
 */
import type { ResolvedConfig } from '../config/index.ts';
import { EMPTY_ENVIRONMENT, type DetectorEnvironment } from '../pipeline/environment.ts';

export function buildEnvironment(_config: ResolvedConfig): DetectorEnvironment {
  // Calendars (`calendars:`) and sites (`sites:`) plug in here as their config sections land.
  return EMPTY_ENVIRONMENT;
}
