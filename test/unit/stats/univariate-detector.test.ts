import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UnivariateDetector } from '../../../shared/stats/univariate-detector.ts';
import { buildCorpus, TUNING_SEED, type LabelledSeries } from '../../fixtures/univariate/corpus.ts';
import { evaluate } from '../../fixtures/univariate/evaluate.ts';
import { gaussians, viaJson } from './helpers.ts';

const scoreSeries = (ts: readonly number[], vs: readonly number[]): Float64Array => {
  const d = new UnivariateDetector();
  return Float64Array.from(vs, (v, i) => d.update(ts[i] as number, v).score);
};
// Three of the tuning seeds (npm run score:univariate runs five, and five held-out ones).
const SEEDS = [TUNING_SEED, 1, 2];
const corpora = SEEDS.map((seed) => buildCorpus(seed));
const corpus = corpora[0] as LabelledSeries[];
const results = corpora.map((c) => evaluate(c, scoreSeries));

/** Per-kind windows found and false positives, summed over the seeds. */
function kindTotals(kind: string): { recall: number; fpPer1000: number } {
  let windows = 0;
  let detected = 0;
  let fps = 0;
  let points = 0;
  for (const r of results) {
    const k = r.kinds[kind];
    if (k === undefined) continue;
    windows += k.windows;
    detected += k.detected;
    fps += k.falsePositives;
    points += k.points;
  }
  return { recall: windows === 0 ? Number.NaN : detected / windows, fpPer1000: (1000 * fps) / points };
}

describe('univariate detector on the labelled corpus', () => {
  // Today 77.4, 74.1 and 74.6 (version 3 of the detector: 77.0, 73.4 and 76.7); the
  // detector before the upper tail levels reached 75.3, 69.2 and 74.5 — which these floors
  // would reject.
  it('reaches a NAB score of 74 on average over seeds and 70 on each (standard profile)', () => {
    const scores = results.map((r) => r.score);
    expect(scores.reduce((a, b) => a + b, 0) / scores.length).toBeGreaterThanOrEqual(74);
    expect(Math.min(...scores)).toBeGreaterThanOrEqual(70);
  });

  // Floors per kind, a little under what the detector reaches today, so a regression in
  // one component shows up by name. Drift is the hard case: a slow ramp is often still
  // inside the noise when the window around its onset closes. The NAB-like families
  // carry harmless spikes and bursts by design, hence their higher false-positive limits.
  // Periodic-shape changes: 1.5, not 1 — since the drift test's calibration counts runs
  // (issue 14), it flags the days a changed daily curve takes to relearn (≈ 1.1–1.4 a
  // thousand on these seeds, 0.3 on the held-out ones), the price of catching drifts on
  // real telemetry that the point-counting calibration discounted.
  const floors: Record<string, { recall: number; fpPer1000: number }> = {
    spike: { recall: 0.8, fpPer1000: 0.6 },
    dip: { recall: 0.75, fpPer1000: 1 },
    level_shift: { recall: 0.85, fpPer1000: 1 },
    variance: { recall: 0.65, fpPer1000: 0.8 },
    periodic_shape: { recall: 0.85, fpPer1000: 1.5 },
    stuck: { recall: 0.95, fpPer1000: 1 },
    drift: { recall: 0.3, fpPer1000: 0.8 },
    normal: { recall: Number.NaN, fpPer1000: 0.6 },
    machine_temp: { recall: 0.7, fpPer1000: 0.4 },
    ec2_cpu: { recall: 0.75, fpPer1000: 3 },
    network: { recall: 0.7, fpPer1000: 1.5 },
    latency: { recall: 0.9, fpPer1000: 3.5 },
    taxi: { recall: 0.9, fpPer1000: 1.5 },
    twitter: { recall: 0.9, fpPer1000: 1.5 },
    ad_exchange: { recall: 0.75, fpPer1000: 0.5 },
  };
  it.each(Object.keys(floors))('%s: recall and false-positive rate within limits', (kind) => {
    const k = kindTotals(kind);
    const f = floors[kind];
    expect(f).toBeDefined();
    if (!Number.isNaN(f?.recall)) expect(k.recall).toBeGreaterThanOrEqual(f?.recall ?? 1);
    expect(k.fpPer1000).toBeLessThanOrEqual(f?.fpPer1000 ?? 0);
  });
});

describe('univariate detector behaviour', () => {
  const MIN = 60_000;
  it('scores in [0, 1], stays 0 in probation, raises one alert per episode', () => {
    const xs = gaussians(1000, 31, 20, 1);
    for (let i = 600; i < 700; i++) xs[i] = (xs[i] as number) + 15; // a sustained excursion
    const d = new UnivariateDetector({ probationPoints: 150 });
    const res = xs.map((x, i) => ({ ...d.update(i * MIN, x) }));
    expect(res.every((r) => r.score >= 0 && r.score <= 1)).toBe(true);
    expect(res.slice(0, 150).every((r) => r.score === 0)).toBe(true);
    const alerts = res.flatMap((r, i) => (r.alert ? [i] : []));
    expect(alerts[0]).toBe(600);
    expect(alerts.filter((i) => i >= 600 && i < 700)).toHaveLength(1);
    expect(res[600]?.statistic).toBe('spike');
    expect(res[600]?.observed).toBeGreaterThan(res[600]?.upper ?? Infinity);
  });
  it('flags a stuck sensor and explains it', () => {
    const xs = gaussians(800, 32, 50, 2);
    for (let i = 500; i < 600; i++) xs[i] = xs[499] as number;
    const d = new UnivariateDetector();
    const res = xs.map((x, i) => ({ ...d.update(i * MIN, x) }));
    const first = res.findIndex((r) => r.alert);
    expect(first).toBeGreaterThan(500);
    expect(first).toBeLessThan(510);
    expect(res[first]?.statistic).toBe('stuck');
  });
  it('handles constant, non-finite and gapped input without alerting', () => {
    const d = new UnivariateDetector();
    for (let i = 0; i < 500; i++) expect(d.update(i * MIN, 42).score).toBe(0);
    expect(d.update(500 * MIN, Number.NaN).score).toBe(0);
    const g = new UnivariateDetector();
    const xs = gaussians(1000, 33, 10, 1);
    let alerts = 0;
    xs.forEach((x, i) => {
      const t = i < 500 ? i * MIN : (i + 5000) * MIN; // a long silence
      if (g.update(t, x).alert) alerts++;
    });
    expect(alerts).toBe(0);
  });
  it('snapshot → JSON → restore mid-stream equals an uninterrupted run', () => {
    const s = corpus.find((c) => c.kind === 'periodic_shape');
    expect(s).toBeDefined();
    if (s === undefined) return;
    const whole = new UnivariateDetector();
    const expected = s.values.map((v, i) => ({ ...whole.update(s.timestamps[i] as number, v) }));
    let half = new UnivariateDetector();
    const got = s.values.map((v, i) => {
      if (i === 1500) half = UnivariateDetector.restore(viaJson(half.snapshot()));
      return { ...half.update(s.timestamps[i] as number, v) };
    });
    expect(got).toEqual(expected);
  });
  it('restores states of versions 1 to 3 (written by earlier releases) and rejects unknown versions', () => {
    // A version-3 state as the previous release wrote it (400 Gaussian points, 1 min apart).
    const v3 = JSON.parse(
      readFileSync(new URL('../../fixtures/univariate/state-v3.json', import.meta.url), 'utf8'),
    );
    const v1Cal = (c: Record<string, unknown>) => {
      const { u2: _u2, maxExcess2: _m2, exceed2: _e2, excess2: _x2, ...rest } = c;
      return { ...rest, v: 1 };
    };
    const cals = Object.fromEntries(
      ['calSpike', 'calSeason', 'calVariance', 'calShift', 'calDrift'].map((k) => [k, v1Cal(v3[k])]),
    );
    const v2 = { ...v3, ...cals, v: 2 };
    const { week: _week, errWeek: _errWeek, ...rest } = v2;
    const v1 = { ...rest, v: 1, scalars: v3.scalars.slice(0, 8) };
    for (const old of [v3, v2, v1]) {
      const r = UnivariateDetector.restore(old);
      const xs = gaussians(200, 35, 10, 1);
      const scores = xs.map((x, i) => r.update((400 + i) * MIN, x).score);
      expect(scores.every((x) => x >= 0 && x < 0.5)).toBe(true);
      const snap = viaJson(r.snapshot());
      expect(snap.v).toBe(4);
      expect(JSON.stringify(snap.calSpike)).toContain('"hi":[8,');
      expect(UnivariateDetector.restore(snap).snapshot()).toEqual(snap);
    }
    const snap = viaJson(new UnivariateDetector().snapshot());
    expect(() => UnivariateDetector.restore({ ...snap, v: 5 as unknown as 4 })).toThrow(/version 5/);
  });
  it('keeps its state under 6 KB of JSON on a long seasonal series', () => {
    const d = new UnivariateDetector();
    const xs = gaussians(20_000, 36, 50, 5);
    xs.forEach((x, i) => d.update(i * 5 * MIN, x + 10 * Math.sin((2 * Math.PI * i) / 288)));
    expect(JSON.stringify(d.snapshot()).length).toBeLessThan(6000);
  });
});
