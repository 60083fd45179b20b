/** Boot-time configuration for every command: environment + config file + detector sections. */
import { resolveConfig, type ResolvedConfig } from '../../shared/config/index.ts';
import type { DetectorEnvironment } from '../../shared/pipeline/environment.ts';
import { resolveDetectors, type ResolvedDetector } from '../../shared/pipeline/registry.ts';
import { buildEnvironment } from '../../shared/runtime/environment.ts';
import { splitIncidentSection, type IncidentConfig } from '../correlator/config.ts';
import { ALL_DETECTORS } from './catalogue.ts';

export interface Boot {
  config: ResolvedConfig;
  detectors: ResolvedDetector[];
  environment: DetectorEnvironment;
  /** The correlator's section (`detectors.correlation.incident`), validated. */
  incident: Readonly<IncidentConfig>;
}

export function boot(configFile?: string): Boot {
  const config = resolveConfig(configFile === undefined ? {} : { configFile });
  const { detectors, incident } = splitIncidentSection(config.detectors);
  return {
    config,
    detectors: resolveDetectors(ALL_DETECTORS, detectors),
    environment: buildEnvironment(config),
    incident,
  };
}
