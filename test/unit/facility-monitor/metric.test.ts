import { describe, expect, it } from 'vitest';
import type { FacilityEvent, UpsEvent } from '../../../shared/events/types.ts';
import type { Finding } from '../../../shared/pipeline/detector.ts';
import { FACILITY_DETECTORS } from '../../../services/facility-monitor/detectors/index.ts';
import { facilityMetric } from '../../../services/facility-monitor/detectors/metric.ts';
import { DetectorRunner } from '../../harness/detector-runner.ts';
import { gaussians } from '../stats/helpers.ts';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 1);

function ups(i: number, device: string, load: number, temp: number): UpsEvent {
  return {
    type: 'facility',
    event_id: `${device}-${i}`,
    ts: T0 + i * MIN,
    tenant: 'default',
    site: 'fra1',
    zone: 'hall-a',
    kind: 'ups',
    device_id: device,
    metrics: { load_pct: load, temp_c: temp },
  };
}

/** Two UPS units over 1,500 minutes with a daily load curve; `inject` alters readings. */
function stream(inject?: (i: number, device: string, load: number) => number): FacilityEvent[] {
  const noise = gaussians(6000, 41);
  const out: FacilityEvent[] = [];
  for (let i = 0; i < 1500; i++) {
    for (const [k, device] of ['ups-1', 'ups-2'].entries()) {
      const base = 45 + 10 * Math.sin((2 * Math.PI * i) / 1440) + (noise[2 * i + k] as number);
      const load = inject ? inject(i, device, base) : base;
      out.push(ups(i, device, load, 30 + 0.5 * (noise[3000 + 2 * i + k] as number)));
    }
  }
  return out;
}

function create(overrides: Record<string, unknown> = {}): DetectorRunner<'facility'> {
  return new DetectorRunner(facilityMetric, overrides);
}

function run(d: DetectorRunner<'facility'>, events: FacilityEvent[]): (Finding | null)[] {
  return d.run(events);
}

describe('facility.metric', () => {
  it('is registered, with every key defaulted', () => {
    expect(FACILITY_DETECTORS).toContain(facilityMetric);
    const c = facilityMetric.config.parse({}) as unknown as Record<string, unknown>;
    expect(c).toMatchObject({
      probation_points: 150,
      threshold: 0.7,
      season_period_hours: 24,
    });
    expect(() => facilityMetric.config.parse({ nope: 1 })).toThrow();
  });

  it('stays quiet on normal telemetry', () => {
    expect(run(create(), stream()).filter((f) => f !== null)).toEqual([]);
  });

  it('raises one explained finding for a load spike, on the right device and metric', () => {
    const findings = run(
      create(),
      stream((i, device, load) => (device === 'ups-2' && i >= 1000 && i < 1003 ? load + 25 : load)),
    ).filter((f): f is Finding => f !== null);
    expect(findings).toHaveLength(1);
    const f = findings[0] as Finding;
    expect(f.entity).toEqual({ type: 'device', id: 'ups-2' });
    expect(f.episodeKey).toBe('load_pct');
    expect(f.score).toBeGreaterThanOrEqual(70);
    expect(f.explanation.statistic).toMatch(/^univariate\./);
    const [lo, hi] = f.explanation.expected_range as [number, number];
    expect(f.explanation.observed).toBeGreaterThan(hi);
    expect(lo).toBeLessThan(hi);
    expect(f.explanation.threshold).toBe(0.7);
    expect(f.description).toContain('load_pct on UPS ups-2');
    expect(f.description).toContain((f.explanation.observed as number).toFixed(2));
  });

  it('flags a sensor frozen at its last reading', () => {
    let frozen = Number.NaN;
    const findings = run(
      create(),
      stream((i, device, load) => {
        if (device !== 'ups-1') return load;
        if (i === 899) frozen = load;
        return i >= 900 && i < 1000 ? frozen : load;
      }),
    ).filter((f): f is Finding => f !== null);
    expect(findings).toHaveLength(1);
    expect(findings.some((f) => f.explanation.statistic === 'univariate.stuck')).toBe(true);
  });

  it('state through its changelog records mid-stream equals an uninterrupted run', () => {
    const events = stream((i, device, load) => (device === 'ups-1' && i >= 1200 ? load + 12 : load));
    const expected = run(create(), events);
    const d = create();
    const a = run(d, events.slice(0, 1400));
    d.restart();
    const b = run(d, events.slice(1400));
    expect([...a, ...b]).toEqual(expected);
    expect(expected.some((f) => f !== null)).toBe(true);
  });

  it('keeps one keyed value per device and metric, about 5 KB each as a record', () => {
    const d = create();
    run(d, stream().slice(0, 800));
    const [series] = d.stats().filter((s) => s.store === 'facility.metric/series');
    expect(series!.keys).toBe(4);
    const perSeries = d.stateBytes() / 4;
    expect(perSeries).toBeGreaterThan(500);
    expect(perSeries).toBeLessThan(8_000);
  });
});
