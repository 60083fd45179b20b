/** Boot-time configuration for every command: environment + config file + detector sections. */
import type { ResolvedConfig } from '../../shared/config/index.ts';
import type { ResolvedDetector } from '../../shared/pipeline/registry.ts';
import type { RuleBook } from '../../shared/pipeline/rules.ts';
import { fileRuleBook, loadConfiguration } from '../../shared/runtime/configuration.ts';
import { buildEnvironment, type ConfiguredEnvironment } from '../../shared/runtime/environment.ts';
import { CORRELATION_INCIDENT, resolveIncidentConfig, type IncidentConfig } from '../correlator/config.ts';
import { ALL_DETECTORS } from './catalogue.ts';

export interface Boot {
  config: ResolvedConfig;
  detectors: ResolvedDetector[];
  environment: ConfiguredEnvironment;
  /** The config file's rules (services add API rules through the context's RulesHub). */
  rules: RuleBook;
  /** The correlator's section (`detectors.correlation.incident`), validated. */
  incident: Readonly<IncidentConfig>;
}

/** Sections under `detectors:` that are not event detectors (their services validate them). */
export const RESERVED_SECTIONS = [CORRELATION_INCIDENT] as const;

export function boot(configFile?: string): Boot {
  const { config, detectors } = loadConfiguration(
    ALL_DETECTORS,
    configFile === undefined ? {} : { configFile },
    RESERVED_SECTIONS,
  );
  const environment = buildEnvironment(config);
  return {
    config,
    detectors,
    environment,
    rules: fileRuleBook(config, environment.calendars),
    incident: resolveIncidentConfig(config.detectors[CORRELATION_INCIDENT]),
  };
}
