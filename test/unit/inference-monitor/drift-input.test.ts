import { describe, expect, it } from 'vitest';
import { driftInput } from '../../../services/inference-monitor/detectors/drift-input.ts';
import {
  alertsOf,
  during,
  expectSameFindingsAfterRestarts,
  findingsOf,
  inferenceWorld,
  label,
  stateBytes,
} from './helpers.ts';

const drift = inferenceWorld({ seed: 41, days: 4, size: 'small', scenarios: ['drift-input'] });
const quiet = inferenceWorld({ seed: 42, days: 4, size: 'small', scenarios: 'none' });

describe('inference.drift.input', () => {
  it('names the drifted columns, largest effect first, with Benjamini–Hochberg across columns', () => {
    const l = label(drift, 'drift-input');
    const alerts = alertsOf(driftInput, drift.events);
    expect(alerts.map((a) => a.entity)).toEqual([{ type: 'model', id: l.entity.id }]);
    const a = alerts[0]!;
    expect(during(l, Date.parse(a.first_seen), 0)).toBe(true);
    const columns = a.evidence['drifted_columns'] as Array<{ column: string; psi: number; ks_p: number }>;
    // Only the two shifted columns drift, and they rank first by PSI.
    expect(columns.map((c) => c.column).sort()).toEqual(['amount', 'geo_distance_km']);
    expect(columns[0]!.psi).toBeGreaterThanOrEqual(columns[1]!.psi);
    expect(columns.every((c) => c.psi >= 0.25 && c.ks_p < 0.05)).toBe(true);
    expect(a.evidence['multiple_testing']).toMatch(/Benjamini–Hochberg, FDR 0.05, 6 columns/);
    expect(a.evidence['columns_tested']).toBe(6);
    expect(a.title).toMatch(/Input drift on .*: (amount, geo_distance_km|geo_distance_km, amount)/);
  });

  it('stays quiet on normal traffic', () => {
    expect(findingsOf(driftInput, quiet.events)).toEqual([]);
  });

  it('names the re-baseline token the reference was learned under', () => {
    // A token in place from the start is just the reference's name; changing it later
    // relearns the reference (see drift.output, which shares the mechanism).
    const [a] = alertsOf(driftInput, drift.events, { rebaseline: { '*': 'v1' } });
    expect(String(a!.evidence['reference'])).toContain('token "v1"');
  });

  it('gives the same findings after restarts as a run that never stopped', () => {
    expectSameFindingsAfterRestarts(driftInput, drift.events);
  });

  it('keeps a bounded reference per model (≈ 0.5 kB per column)', () => {
    const bytes = stateBytes(driftInput, drift.events)['inference.drift.input/references']!;
    expect(bytes.maxBytes).toBeLessThanOrEqual(6 * 600);
  });
});
