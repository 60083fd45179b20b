/**
 * Builds a backtest shard for one config, exactly as `vigil replay` would run it: the
 * config loaded and validated as at boot (defaults only for "default" — VIGIL_CONFIG and the
 * environment are not read, so the baseline is the same everywhere), its calendars, its
 * rules, its pipeline settings and partition count.
 */
import type { EventType } from '../../../shared/events/types.ts';
import { BacktestShard } from '../../../shared/backtest/shard.ts';
import {
  fileRuleBook,
  loadConfiguration,
  type LoadedConfiguration,
} from '../../../shared/runtime/configuration.ts';
import { buildEnvironment } from '../../../shared/runtime/environment.ts';
import { processorOptions } from '../../../shared/runtime/processor-options.ts';
import { RESERVED_SECTIONS } from '../boot.ts';
import { ALL_DETECTORS } from '../catalogue.ts';

export const ALL_TYPES: readonly EventType[] = ['inference', 'access', 'facility'];

/** `file` undefined: the built-in defaults. Throws VGL_ERR_CONFIG_INVALID listing every problem. */
export function loadBacktestConfig(file: string | undefined): LoadedConfiguration {
  return loadConfiguration(
    ALL_DETECTORS,
    file === undefined ? { env: {}, overrides: {} } : { env: {}, configFile: file },
    RESERVED_SECTIONS,
  );
}

export function configShard(
  file: string | undefined,
  types: readonly EventType[],
  countsInvalid: boolean,
): BacktestShard {
  const { config, detectors } = loadBacktestConfig(file);
  const environment = buildEnvironment(config);
  return new BacktestShard({
    detectors,
    types,
    countsInvalid,
    partitions: config.topics.partitions,
    ...processorOptions(config.pipeline),
    environment,
    rules: fileRuleBook(config, environment.calendars),
  });
}

/** The catalogue's detector ids, reported for every config (disabled ones show 0 alerts). */
export function detectorIds(): string[] {
  return [...new Set(ALL_DETECTORS.map((d) => d.id))].sort();
}
