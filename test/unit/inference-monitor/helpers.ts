/**
 * Simulated inference traffic and the checks every inference detector test shares: its
 * findings (and alerts) on a stream, a restart mid-stream (state through its changelog
 * records into a fresh instance) giving the same findings, and the encoded state per key.
 */
import { expect } from 'vitest';
import type { Alert, InferenceEvent } from '../../../shared/events/types.ts';
import type { DetectorDefinition, Finding } from '../../../shared/pipeline/detector.ts';
import { resolveDetectors } from '../../../shared/pipeline/registry.ts';
import { simulate, type SimulateOptions } from '../../../shared/simulate/simulate.ts';
import type { Label } from '../../../shared/simulate/label.ts';
import { DetectorRunner } from '../../harness/detector-runner.ts';
import { detectAll } from '../../harness/ground-truth.ts';

export interface InferenceWorld {
  events: InferenceEvent[];
  labels: Label[];
}

const cache = new Map<string, InferenceWorld>();

/** The inference events of a simulated world (memoised per options within a test file). */
export function inferenceWorld(options: SimulateOptions): InferenceWorld {
  const key = JSON.stringify(options);
  let w = cache.get(key);
  if (w === undefined) {
    const sim = simulate(options);
    const events: InferenceEvent[] = [];
    for (const e of sim.events) if (e.type === 'inference') events.push(e);
    w = { events, labels: sim.labels };
    cache.set(key, w);
  }
  return w;
}

export function label(w: InferenceWorld, name: string): Label {
  const l = w.labels.find((x) => x.name === name);
  if (l === undefined) throw new Error(`no label ${name}`);
  return l;
}

export interface Found {
  event: InferenceEvent;
  finding: Finding;
}

export function findingsOf(
  def: DetectorDefinition<'inference'>,
  events: readonly InferenceEvent[],
  overrides: Record<string, unknown> = {},
): Found[] {
  const r = new DetectorRunner(def, overrides);
  const out: Found[] = [];
  for (const event of events) for (const finding of r.update(event)) out.push({ event, finding });
  return out;
}

/** Findings of a run that restarts at each of `at` (indices), as JSON for comparison. */
export function findingsWithRestarts(
  def: DetectorDefinition<'inference'>,
  events: readonly InferenceEvent[],
  at: readonly number[],
  overrides: Record<string, unknown> = {},
): string[] {
  const r = new DetectorRunner(def, overrides);
  const out: string[] = [];
  events.forEach((event, i) => {
    if (at.includes(i)) r.restart();
    for (const f of r.update(event)) out.push(JSON.stringify([event.event_id, f]));
  });
  return out;
}

export function asJson(found: readonly Found[]): string[] {
  return found.map((x) => JSON.stringify([x.event.event_id, x.finding]));
}

/**
 * Expects findings on `events`, and the same findings from a run restarted at the indices
 * `at(n)` of the n events (by default a third and two thirds of the way).
 */
export function expectSameFindingsAfterRestarts(
  def: DetectorDefinition<'inference'>,
  events: readonly InferenceEvent[],
  at: (n: number) => number[] = (n) => [Math.floor(n / 3), Math.floor((2 * n) / 3)],
): void {
  const straight = asJson(findingsOf(def, events));
  expect(straight.length).toBeGreaterThan(0);
  expect(findingsWithRestarts(def, events, at(events.length))).toEqual(straight);
}

/** The alerts of `def` alone on `events` (config section `section`), as the pipeline raises them. */
export function alertsOf(
  def: DetectorDefinition<'inference'>,
  events: readonly InferenceEvent[],
  section: Record<string, unknown> = {},
): Alert[] {
  return detectAll(events, resolveDetectors([def], { [def.id]: section }));
}

/** Encoded bytes per key of each store after running `events`. */
export function stateBytes(
  def: DetectorDefinition<'inference'>,
  events: readonly InferenceEvent[],
  overrides: Record<string, unknown> = {},
): Record<string, { keys: number; meanBytes: number; maxBytes: number }> {
  const r = new DetectorRunner(def, overrides);
  for (const e of events) r.update(e);
  const out: Record<string, { keys: number; meanBytes: number; maxBytes: number }> = {};
  // Records are `<store>|<key>` → `{"t":…,"v":…}`; group by store.
  for (const rec of r.records()) {
    const store = rec.key.slice(0, rec.key.indexOf('|'));
    const bytes = rec.key.length + (rec.value?.length ?? 0);
    const s = (out[store] ??= { keys: 0, meanBytes: 0, maxBytes: 0 });
    s.keys++;
    s.meanBytes += bytes;
    s.maxBytes = Math.max(s.maxBytes, bytes);
  }
  for (const s of Object.values(out)) s.meanBytes = Math.round(s.meanBytes / s.keys);
  return out;
}

/** Between a label's start and its end plus `graceMs`. */
export function during(l: Label, ts: number, graceMs = 2 * 3_600_000): boolean {
  return ts >= Date.parse(l.start) && ts <= Date.parse(l.end) + graceMs;
}
