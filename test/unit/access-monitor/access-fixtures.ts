/**
 * Simulated access traffic for the access-monitor's detector tests: one scenario placed
 * at a known time in a small world, the access events only, and helpers to run a
 * detector over them (straight, and with a restart in the middle).
 */
import type { AccessEvent } from '../../../shared/events/types.ts';
import type { DetectorDefinition, Finding } from '../../../shared/pipeline/detector.ts';
import type { Label } from '../../../shared/simulate/label.ts';
import { simulate } from '../../../shared/simulate/simulate.ts';
import type { ScenarioRequest } from '../../../shared/simulate/scenarios/types.ts';
import { DetectorRunner } from '../../harness/detector-runner.ts';

export interface AccessWorld {
  events: AccessEvent[];
  labels: Label[];
}

export function accessWorld(
  seed: number,
  days: number,
  scenarios: (string | ScenarioRequest)[],
): AccessWorld {
  const sim = simulate({ seed, days, size: 'small', scenarios, tagScenarioEvents: true });
  const events: AccessEvent[] = [];
  for (const e of sim.events) if (e.type === 'access') events.push(e);
  return { events, labels: sim.labels };
}

/** Findings per event index, for comparing runs. */
export function runAll(
  def: DetectorDefinition<'access'>,
  events: readonly AccessEvent[],
  config: Record<string, unknown> = {},
  restartAt?: number,
): { findings: Array<{ index: number; finding: Finding }>; runner: DetectorRunner<'access'> } {
  const runner = new DetectorRunner(def, config);
  const findings: Array<{ index: number; finding: Finding }> = [];
  events.forEach((e, index) => {
    if (index === restartAt) runner.restart();
    for (const finding of runner.update(e)) findings.push({ index, finding });
  });
  return { findings, runner };
}

export function onEntity(findings: ReadonlyArray<{ finding: Finding }>, id: string): Finding[] {
  return findings.map((f) => f.finding).filter((f) => f.entity.id === id);
}

/** Every alert-contract field a finding must fill. */
export function expectContract(f: Finding): void {
  const e = f.explanation;
  if (!(f.score >= 0 && f.score <= 100)) throw new Error(`score ${f.score}`);
  for (const key of ['statistic', 'observed', 'expected', 'threshold', 'window'] as const) {
    if (e[key] === undefined || e[key] === '') throw new Error(`explanation.${key} missing`);
  }
  if (f.description.length < 40) throw new Error('description too short');
  if (f.techniques === undefined || f.techniques.length === 0) throw new Error('no techniques');
}

/** Encoded state bytes per principal: every record of the detector, divided by principals. */
export function bytesPerPrincipal(runner: DetectorRunner<'access'>, principals: number): number {
  return Math.round(runner.stateBytes() / principals);
}
