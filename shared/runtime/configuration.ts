/**
 * Loads the whole configuration once — environment, config file, detector sections, rule
 * references — for boot and for every config reload, so a reload accepts exactly what a
 * start would and reports every problem in one error.
 */
import { resolveConfig, type ResolveOptions, type ResolvedConfig } from '../config/index.ts';
import { VigilError, vigilError } from '../errors.ts';
import type { DetectorDefinition } from '../pipeline/detector.ts';
import { resolveDetectors, type ResolvedDetector } from '../pipeline/registry.ts';
import { ruleReferenceProblems } from '../pipeline/rule-schema.ts';
import { compileRule, RuleBook } from '../pipeline/rules.ts';
import type { CalendarLookup } from '../pipeline/environment.ts';

export interface LoadedConfiguration {
  config: ResolvedConfig;
  detectors: ResolvedDetector[];
}

/**
 * `reserved`: sections under `detectors:` that belong to a service rather than an event
 * detector (the correlator's `correlation.incident`); that service validates its own.
 */
export function loadConfiguration(
  definitions: readonly DetectorDefinition[],
  options: ResolveOptions = {},
  reserved: readonly string[] = [],
): LoadedConfiguration {
  const config = resolveConfig(options);
  const problems: string[] = [];
  let detectors: ResolvedDetector[] = [];
  const sections = Object.fromEntries(
    Object.entries(config.detectors).filter(([id]) => !reserved.includes(id)),
  );
  try {
    detectors = resolveDetectors(definitions, sections);
  } catch (err) {
    if (!(err instanceof VigilError)) throw err;
    problems.push(...((err.context['problems'] as string[] | undefined) ?? [err.message]));
  }
  const detectorIds = [...new Set(definitions.map((d) => d.id))];
  for (const p of ruleReferenceProblems(config.rules, { detectorIds }))
    problems.push(`rules.${p.path.join('.')}: ${p.message}`);
  if (problems.length > 0)
    throw vigilError('VGL_ERR_CONFIG_INVALID', [problems.join('; ')], { context: { problems } });
  return { config, detectors };
}

/** The config file's rules, compiled (for replay and backtests; services use RulesHub). */
export function fileRuleBook(config: ResolvedConfig, calendars: CalendarLookup): RuleBook {
  return new RuleBook(config.rules.map((r) => compileRule(r, calendars)));
}
