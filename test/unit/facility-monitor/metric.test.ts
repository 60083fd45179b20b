import { describe, expect, it } from 'vitest';
import type { CoolingEvent, FacilityEvent, UpsEvent } from '../../../shared/events/types.ts';
import type { Finding } from '../../../shared/pipeline/detector.ts';
import { FACILITY_DETECTORS } from '../../../services/facility-monitor/detectors/index.ts';
import { facilityMetric } from '../../../services/facility-monitor/detectors/metric.ts';
import { EMPTY_ENVIRONMENT } from '../../../shared/pipeline/environment.ts';
import { PartitionState } from '../../../shared/pipeline/partition-state.ts';
import { UnivariateDetector } from '../../../shared/stats/univariate-detector.ts';
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

const DAY = 1440;

/**
 * A cooling unit every minute (as the simulator's) for 5 days, with daily cycles and
 * noise; from `onset` its supply (and so return) temperature creeps up by 2 °C in 6 hours
 * while its fan slows by 150 rpm — a point-to-point change far inside the noise, so no
 * single metric is extreme for hours.
 */
function crac(seed: number): { events: CoolingEvent[]; onset: number } {
  const n = 5 * DAY;
  const onset = 3 * DAY + 150 + 85 * seed;
  const g = (k: number, sd: number) => gaussians(n, 10 * seed + k, 0, sd);
  const [t, r, h, f, q] = [g(1, 0.15), g(2, 0.2), g(3, 1), g(4, 15), g(5, 5)];
  const events = Array.from({ length: n }, (_, i): CoolingEvent => {
    const day = Math.sin((2 * Math.PI * i) / DAY);
    const k = Math.max(0, i - onset);
    const supply = 18 + 0.5 * day + t[i]! + (8 * k) / DAY;
    return {
      type: 'facility',
      event_id: `crac-${i}`,
      ts: T0 + i * MIN,
      tenant: 'default',
      site: 'fra1',
      zone: 'hall-1',
      kind: 'cooling',
      device_id: 'crac-1',
      metrics: {
        supply_c: supply,
        return_c: supply + 6 + 0.3 * day + r[i]!,
        humidity_pct: 45 + 3 * day + h[i]!,
        fan_rpm: 1200 + 30 * day + f[i]! - (600 * k) / DAY,
        flow_lpm: 320 + q[i]!,
        setpoint_c: 18,
      },
    };
  });
  return { events, onset };
}

/**
 * Per metric, the first reading at or after `from` where its own univariate detector alerts,
 * as facility.metric ran them before it combined a device's metrics (threshold 0.7 then).
 */
function univariateFirstAlerts(events: CoolingEvent[], from: number): Record<string, number> {
  const c = facilityMetric.config.parse({}) as unknown as Record<string, number>;
  const detectors = new Map<string, UnivariateDetector>();
  const first: Record<string, number> = {};
  events.forEach((e, i) => {
    for (const [metric, x] of Object.entries(e.metrics!)) {
      let d = detectors.get(metric);
      if (d === undefined) {
        d = new UnivariateDetector({
          probationPoints: c['probation_points']!,
          threshold: 0.7,
          exitThreshold: c['exit_threshold']!,
          cooldownPoints: c['cooldown_points']!,
          seasonPeriodMs: c['season_period_hours']! * 3_600_000,
          seasonBins: c['season_bins']!,
          gapFactor: c['gap_factor']!,
        });
        detectors.set(metric, d);
      }
      if (d.update(e.ts, x as number).alert && i >= from && first[metric] === undefined) first[metric] = i;
    }
  });
  return first;
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
      threshold: 0.85,
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
    expect(f.episodeKey).toBe('combined');
    expect(f.score).toBeGreaterThanOrEqual(70);
    expect(f.explanation.statistic).toMatch(/^multivariate\.(max|fisher|sustained)$/);
    expect(f.explanation.metric).toBe('load_pct');
    expect(f.explanation.metric_statistic).toMatch(/^univariate\./);
    const [lo, hi] = f.explanation.expected_range as [number, number];
    expect(f.explanation.observed).toBeGreaterThan(hi);
    expect(lo).toBeLessThan(hi);
    expect(f.explanation.threshold).toBe(0.85);
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
    expect(findings[0]!.entity.id).toBe('ups-1');
    expect(findings[0]!.explanation.metric).toBe('load_pct');
    expect(findings[0]!.explanation.metric_statistic).toBe('univariate.stuck');
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

  it("restores a device with today's thresholds and metrics, and adds a metric when it first reports", () => {
    const a = create();
    run(a, stream().slice(0, 400));
    const state = new PartitionState();
    for (const r of a.records()) state.load(r.key, r.value);
    const config = facilityMetric.config.parse({ threshold: 0.9, metrics: ['load_pct', 'battery_pct'] });
    const d = facilityMetric.create(config, state.namespace('facility.metric'), EMPTY_ENVIRONMENT);
    const at = (e: UpsEvent) => {
      state.clock.eventTime = state.clock.watermark = e.ts;
      state.beginBatch();
      d.update(e, { eventTime: e.ts, watermark: e.ts, emit: () => undefined });
      state.drain();
    };
    at(ups(400, 'ups-1', 45, 30)); // restored: temp_c is no longer watched
    const device = (id: string) =>
      JSON.parse(state.exportAll().find((r) => r.key === `facility.metric/devices|${id}`)!.value!).v;
    expect(device('ups-1').columns).toEqual(['load_pct']);
    expect(device('ups-1').detectors[0].options.threshold).toBe(0.9);
    expect(device('ups-1').combiner.options.threshold).toBe(0.9);
    at({ ...ups(401, 'ups-1', 45, 30), metrics: { load_pct: 45, battery_pct: 99 } });
    expect(device('ups-1').columns).toEqual(['load_pct', 'battery_pct']);
    expect(device('ups-1').detectors[0].scalars[0]).toBe(202); // load_pct kept its 200 readings
  });

  it('keeps one keyed value per device, about 5 KB per metric as a record', () => {
    const d = create();
    run(d, stream().slice(0, 800));
    const [devices] = d.stats().filter((s) => s.store === 'facility.metric/devices');
    expect(devices!.keys).toBe(2);
    const perMetric = d.stateBytes() / 4; // two UPS units with two metrics each
    expect(perMetric).toBeGreaterThan(500);
    expect(perMetric).toBeLessThan(8_000);
  });

  it('makes a cooling unit whose supply temperature creeps up while its fan slows one alert, no later than any metric alone', () => {
    for (const seed of [1, 2, 3]) {
      const { events, onset } = crac(seed);
      const out = run(create(), events);
      const findings = out.filter((f): f is Finding => f !== null);
      expect(findings, `seed ${seed}`).toHaveLength(1);
      const f = findings[0] as Finding;
      const index = out.indexOf(f);
      expect(index, `seed ${seed}`).toBeGreaterThanOrEqual(onset);
      expect(f.entity).toEqual({ type: 'device', id: 'crac-1' });
      expect(f.episodeKey).toBe('combined');
      expect(['supply_c', 'return_c', 'fan_rpm']).toContain(f.explanation.metric);
      expect((f.explanation['contributors'] as unknown[]).length, `seed ${seed}`).toBeGreaterThan(0);
      // Alone, each metric's detector alerts later (if at all within the day).
      const alone = univariateFirstAlerts(events, onset);
      expect(Object.keys(alone).length, `seed ${seed}`).toBeGreaterThan(0);
      expect(index, `seed ${seed}: alone ${JSON.stringify(alone)}`).toBeLessThan(
        Math.min(...Object.values(alone)),
      );
    }
  }, 30_000);
});
