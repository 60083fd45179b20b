import { describe, expect, it } from 'vitest';
import { extractionPrada } from '../../../services/inference-monitor/detectors/extraction-prada.ts';
import { nearestSquared } from '../../../services/inference-monitor/detectors/extraction-prada-reservoir.ts';
import { INFERENCE_DETECTORS } from '../../../services/inference-monitor/detectors/index.ts';
import type { InferenceEvent } from '../../../shared/events/types.ts';
import { rng } from '../stats/helpers.ts';
import {
  during,
  expectSameFindingsAfterRestarts,
  findingsOf,
  inferenceWorld,
  label,
  stateBytes,
} from './helpers.ts';

// Seed 31, not one the defaults were tuned on (1–8).
const attacks = inferenceWorld({
  seed: 31,
  days: 4,
  size: 'small',
  scenarios: ['extraction-prada', 'extraction-harvest', 'extraction-probing'],
});
const quiet = inferenceWorld({ seed: 32, days: 4, size: 'small', scenarios: 'none' });

describe('inference.extraction.prada', () => {
  it('is registered with PRADA’s defaults', () => {
    expect(INFERENCE_DETECTORS).toContain(extractionPrada);
    expect(extractionPrada.config.parse({})).toMatchObject({
      delta: 0.85,
      min_distances: 100,
      test_every_queries: 10,
      reservoir_per_class: 32,
    });
  });

  it('finds the PRADA attacker with a Shapiro–Wilk W far below δ, and only in its window', () => {
    const l = label(attacks, 'extraction-prada');
    const found = findingsOf(extractionPrada, attacks.events);
    const mine = found.filter((f) => f.finding.entity.id === l.entity.id);
    expect(mine.length).toBeGreaterThan(0);
    const first = mine[0]!;
    expect(during(l, first.event.ts, 0)).toBe(true);
    expect(first.finding.entity.type).toBe('principal');
    expect(first.finding.techniques).toEqual(['AML.T0024.002', 'AML.T0040']);
    const ex = first.finding.explanation;
    expect(ex.statistic).toMatch(/Shapiro–Wilk/);
    expect(ex.observed as number).toBeLessThan(0.85);
    expect(ex.expected_range).toEqual([0.85, 1]);
    expect(ex['p_value'] as number).toBeLessThan(1e-6);
    expect(ex['distances'] as number).toBeGreaterThanOrEqual(100);
    expect(first.finding.description).toContain(`W = ${(ex.observed as number).toFixed(3)}`);
  });

  it('is not triggered by rate alone: the harvester’s natural queries at 900 an hour stay quiet', () => {
    const harvest = label(attacks, 'extraction-harvest');
    const probing = label(attacks, 'extraction-probing');
    const found = findingsOf(extractionPrada, attacks.events);
    const harvester =
      harvest.entity.id === probing.entity.id
        ? []
        : found.filter((f) => f.finding.entity.id === harvest.entity.id);
    expect(harvester).toEqual([]);
  });

  it('stays quiet on normal traffic', () => {
    expect(findingsOf(extractionPrada, quiet.events)).toEqual([]);
  });

  it('gives the same findings after restarts as a run that never stopped', () => {
    expectSameFindingsAfterRestarts(extractionPrada, attacks.events);
  });

  it('early-exit nearest neighbour equals the brute-force minimum', () => {
    const u = rng(5);
    for (const dims of [1, 3, 4, 8, 13, 32]) {
      const size = 40;
      const vecs = Float32Array.from({ length: size * dims }, () => u() * 4 - 2);
      for (let q = 0; q < 50; q++) {
        const x = Array.from({ length: dims }, () => Math.fround(u() * 4 - 2));
        let brute = Infinity;
        for (let i = 0; i < size; i++) {
          let s = 0;
          for (let j = 0; j < dims; j++) s += (vecs[i * dims + j]! - x[j]!) ** 2;
          brute = Math.min(brute, s);
        }
        expect(nearestSquared(vecs, size, dims, x)).toBeCloseTo(brute, 10);
        expect(nearestSquared(vecs, size, dims, Float64Array.from(x))).toBe(
          nearestPerDimension(vecs, size, dims, x),
        );
      }
    }
  });

  it('gives the same verdicts on 128-dimensional embeddings (reduced by random projection)', () => {
    // An isometry of the 8-dimensional embeddings into 128 dimensions (padding, a fixed
    // permutation and sign flips) keeps every distance; the detector then projects them
    // to 32 dimensions, so only its random projection can change a verdict.
    const u = rng(11);
    const perm = Array.from({ length: 128 }, (_, i) => i).sort(() => u() - 0.5);
    const sign = perm.map(() => (u() < 0.5 ? -1 : 1));
    const widen = (e: InferenceEvent): InferenceEvent => {
      if (e.input_embedding === undefined) return e;
      const wide = new Array<number>(128).fill(0);
      e.input_embedding.forEach((v, i) => (wide[perm[i]!] = v * sign[i]!));
      return { ...e, input_embedding: wide };
    };
    const flagged = (events: readonly InferenceEvent[]): string[] =>
      [...new Set(findingsOf(extractionPrada, events).map((f) => f.finding.entity.id))].sort();
    expect(flagged(attacks.events.map(widen))).toEqual(flagged(attacks.events));
    expect(flagged(quiet.events.map(widen))).toEqual([]);
  });

  it('keeps a bounded reservoir per principal × model (bytes per reservoir)', () => {
    const bytes = stateBytes(extractionPrada, attacks.events)['inference.extraction.prada/reservoirs']!;
    // 8 dimensions, up to 4 classes of 32 queries, 256 distances and their times.
    expect(bytes.maxBytes).toBeLessThan(12_000);
    expect(bytes.meanBytes).toBeLessThan(6_000);
  });
});

/** The scan as first written (exit checked at every dimension): the reference for exactness. */
function nearestPerDimension(vecs: Float32Array, size: number, dims: number, x: number[]): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < size; i++) {
    let s = 0;
    let j = 0;
    for (; j < dims && s < best; j++) {
      const t = vecs[i * dims + j]! - x[j]!;
      s += t * t;
    }
    if (j === dims && s < best) best = s;
  }
  return best;
}
