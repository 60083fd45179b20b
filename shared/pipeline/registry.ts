/**
 * Resolves the `detectors:` config sections against the detector definitions, once at
 * boot: every section is parsed by its detector's strict schema (defaults filled in),
 * unknown detector ids are rejected, and all problems are reported together.
 */
import { vigilError } from '../errors.ts';
import type { BaseDetectorConfig, DetectorDefinition } from './detector.ts';

export interface ResolvedDetector {
  readonly definition: DetectorDefinition;
  readonly config: Readonly<BaseDetectorConfig>;
}

export function resolveDetectors(
  definitions: readonly DetectorDefinition[],
  sections: Readonly<Record<string, unknown>>,
): ResolvedDetector[] {
  const byId = new Map(definitions.map((d) => [d.id, d]));
  const problems: string[] = [];
  for (const id of Object.keys(sections)) {
    if (!byId.has(id))
      problems.push(`detectors.${id}: unknown detector id (known: ${[...byId.keys()].join(', ')})`);
  }
  const resolved: ResolvedDetector[] = [];
  for (const definition of definitions) {
    const parsed = definition.config.safeParse(sections[definition.id] ?? {});
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = ['detectors', definition.id, ...issue.path.map(String)].join('.');
        problems.push(`${path}: ${issue.message}`);
      }
      continue;
    }
    resolved.push({ definition, config: Object.freeze(parsed.data) });
  }
  if (problems.length > 0)
    throw vigilError('VGL_ERR_CONFIG_INVALID', [problems.join('; ')], { context: { problems } });
  return resolved;
}
