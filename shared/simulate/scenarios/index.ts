/** The scenario catalogue and the `--scenarios` selection syntax. */
import { ACCESS_SCENARIOS } from './access.ts';
import { BENIGN_SCENARIOS } from './benign.ts';
import { FACILITY_SCENARIOS } from './facility.ts';
import { INFERENCE_SCENARIOS } from './inference.ts';
import { ScenarioError, type ScenarioDef, type ScenarioRequest } from './types.ts';

export const SCENARIOS: readonly ScenarioDef[] = [
  ...INFERENCE_SCENARIOS,
  ...ACCESS_SCENARIOS,
  ...FACILITY_SCENARIOS,
  ...BENIGN_SCENARIOS,
];

export function scenarioDef(name: string): ScenarioDef {
  const def = SCENARIOS.find((s) => s.name === name);
  if (def === undefined) {
    throw new ScenarioError(`unknown scenario "${name}"; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  }
  return def;
}

/**
 * `all`, `none`, `attacks`, `benign`, or a comma-separated list of names (groups may be
 * mixed in: `attacks,benign-maintenance`).
 */
export function selectScenarios(spec: string): ScenarioRequest[] {
  const out: ScenarioRequest[] = [];
  for (const raw of spec.split(',')) {
    const name = raw.trim();
    if (name === '' || name === 'none') continue;
    if (name === 'all') out.push(...SCENARIOS.map((s) => ({ name: s.name })));
    else if (name === 'attacks')
      out.push(...SCENARIOS.filter((s) => s.benign !== true).map((s) => ({ name: s.name })));
    else if (name === 'benign')
      out.push(...SCENARIOS.filter((s) => s.benign === true).map((s) => ({ name: s.name })));
    else out.push({ name: scenarioDef(name).name });
  }
  return out;
}
