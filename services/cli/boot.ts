/** Boot-time configuration for every command: environment + config file + detector sections. */
import type { ResolvedConfig } from '../../shared/config/index.ts';
import type { ResolvedDetector } from '../../shared/pipeline/registry.ts';
import type { RuleBook } from '../../shared/pipeline/rules.ts';
import { fileRuleBook, loadConfiguration } from '../../shared/runtime/configuration.ts';
import { buildEnvironment, type ConfiguredEnvironment } from '../../shared/runtime/environment.ts';
import { ALL_DETECTORS } from './catalogue.ts';

export interface Boot {
  config: ResolvedConfig;
  detectors: ResolvedDetector[];
  environment: ConfiguredEnvironment;
  /** The config file's rules (services add API rules through the context's RulesHub). */
  rules: RuleBook;
}

export function boot(configFile?: string): Boot {
  const { config, detectors } = loadConfiguration(
    ALL_DETECTORS,
    configFile === undefined ? {} : { configFile },
  );
  const environment = buildEnvironment(config);
  return { config, detectors, environment, rules: fileRuleBook(config, environment.calendars) };
}
