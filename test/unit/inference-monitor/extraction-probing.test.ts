import { describe, expect, it } from 'vitest';
import { extractionProbing } from '../../../services/inference-monitor/detectors/extraction-probing.ts';
import type { InferenceEvent } from '../../../shared/events/types.ts';
import {
  alertsOf,
  during,
  expectSameFindingsAfterRestarts,
  findingsOf,
  inferenceWorld,
  label,
  stateBytes,
} from './helpers.ts';

const attacks = inferenceWorld({
  seed: 35,
  days: 4,
  size: 'small',
  scenarios: ['extraction-probing', 'extraction-harvest'],
});
const quiet = inferenceWorld({ seed: 36, days: 4, size: 'small', scenarios: 'none' });

describe('inference.extraction.probing', () => {
  it('finds the one-feature sweep, naming the swept feature, within minutes', () => {
    const l = label(attacks, 'extraction-probing');
    const found = findingsOf(extractionProbing, attacks.events).filter(
      (f) => f.finding.entity.id === l.entity.id && f.finding.episodeKey?.endsWith('|sweep') === true,
    );
    expect(found.length).toBeGreaterThan(0);
    const first = found[0]!;
    expect(during(l, first.event.ts, 0)).toBe(true);
    expect(first.event.ts - Date.parse(l.start)).toBeLessThan(30 * 60_000);
    expect(first.finding.explanation).toMatchObject({ swept_feature: 'amount' });
    expect(first.finding.explanation['one_feature_steps'] as number).toBeGreaterThanOrEqual(16);
    expect(first.finding.description).toMatch(/changed one feature only \(amount/);
  });

  it('finds the probe’s near-duplicates and the harvester’s full-probability requests', () => {
    const probe = label(attacks, 'extraction-probing');
    const harvest = label(attacks, 'extraction-harvest');
    const found = findingsOf(extractionProbing, attacks.events);
    const kinds = (id: string): string[] =>
      [
        ...new Set(
          found.filter((f) => f.finding.entity.id === id).map((f) => f.finding.episodeKey!.split('|')[1]!),
        ),
      ].sort();
    expect(kinds(probe.entity.id)).toEqual(expect.arrayContaining(['near_duplicates', 'sweep']));
    if (harvest.entity.id !== probe.entity.id) expect(kinds(harvest.entity.id)).toEqual(['logprobs']);
  });

  it('tells feature names apart whatever order other queries name them in (names-hash memo)', () => {
    const l = label(attacks, 'extraction-probing');
    const sweeps = (events: InferenceEvent[]): string[] =>
      findingsOf(extractionProbing, events)
        .filter(
          (f) => f.finding.entity.id === l.entity.id && f.finding.episodeKey?.endsWith('|sweep') === true,
        )
        .map((f) => f.event.event_id);
    const withFeatures = (e: InferenceEvent, f: (x: Record<string, number>) => Record<string, number>) =>
      e.input_features === undefined ? e : { ...e, input_features: f(e.input_features) };
    const found = sweeps(attacks.events);
    expect(found.length).toBeGreaterThan(0);
    // Other principals name their features in reverse order: the probe's steps are unchanged.
    const reversed = attacks.events.map((e) =>
      e.principal === l.entity.id
        ? e
        : withFeatures(e, (x) => Object.fromEntries(Object.entries(x).reverse())),
    );
    expect(sweeps(reversed)).toEqual(found);
    // The probe renames a feature every other query: no two queries in a row are comparable.
    let n = 0;
    const renamed = attacks.events.map((e) =>
      e.principal !== l.entity.id || e.input_features === undefined || n++ % 2 === 0
        ? e
        : withFeatures(e, (x) =>
            Object.fromEntries(Object.entries(x).map(([k, v], i) => [i === 0 ? `${k}_` : k, v])),
          ),
    );
    expect(sweeps(renamed)).toEqual([]);
  });

  it('stays quiet on normal traffic, clustered topics included', () => {
    expect(findingsOf(extractionProbing, quiet.events)).toEqual([]);
  });

  it('keeps a client that always asks for full probability vectors quiet', () => {
    // One principal of the quiet world asks for logprobs on every request, from the start.
    const heavy = quiet.events.find((e) => e.prediction !== undefined)!.principal;
    const events: InferenceEvent[] = quiet.events.map((e) =>
      e.principal === heavy ? { ...e, logprobs_requested: true } : e,
    );
    expect(alertsOf(extractionProbing, events)).toEqual([]);
  });

  it('gives the same findings after restarts as a run that never stopped', () => {
    expectSameFindingsAfterRestarts(extractionProbing, attacks.events, (n) => [
      Math.floor(n / 2),
      Math.floor((3 * n) / 4),
    ]);
  });

  it('keeps ≤ 2 KiB per principal × model', () => {
    const bytes = stateBytes(extractionProbing, attacks.events);
    expect(bytes['inference.extraction.probing/principals']!.maxBytes).toBeLessThanOrEqual(2048);
  });
});
