/**
 * facility.metric — a UPS or cooling metric leaves its learned (seasonal) range.
 *
 * Statistic: the univariate detector of `vigil score` (shared/stats/univariate-detector.ts),
 * one per (device, metric): an ensemble of a robust smoother, a daily profile, CUSUM,
 * a drift test, a variance test and a stuck-value test, each calibrated to the series'
 * own tail, with one finding per anomalous episode. Assumes each device reports its
 * metrics in event-time order; irregular intervals and gaps are fine. The first
 * `probation_points` readings of a series only teach it.
 * State: one keyed value per series (`series` store, key `<device>|<metric>`), ≈ 5 KB as
 * JSON; the pipeline evicts idle series under its budget and forgets ones silent for the
 * store's time to live. Cost per event: O(1) per metric present (≈ 4.5 µs).
 */
import { z } from 'zod';
import type {
  CoolingEvent,
  CoolingMetrics,
  FacilityEvent,
  Severity,
  UpsEvent,
  UpsMetrics,
} from '../../../shared/events/types.ts';
import { defineDetector, type Detector, type Finding } from '../../../shared/pipeline/detector.ts';
import type { DetectorState, KeyedState, StateCodec } from '../../../shared/pipeline/keyed-state.ts';
import {
  UnivariateDetector,
  type UnivariateOptions,
  type UnivariateResult,
} from '../../../shared/stats/univariate-detector.ts';
import type { UnivariateState } from '../../../shared/stats/univariate-state.ts';

const UPS_METRICS = [
  'load_pct',
  'battery_pct',
  'input_v',
  'output_v',
  'freq_hz',
  'temp_c',
  'runtime_min',
] as const;
const COOLING_METRICS = [
  'supply_c',
  'return_c',
  'humidity_pct',
  'fan_rpm',
  'flow_lpm',
  'setpoint_c',
] as const;
type MetricName = (typeof UPS_METRICS)[number] | (typeof COOLING_METRICS)[number];

interface MetricConfig {
  metrics: string[];
  probation_points: number;
  threshold: number;
  exit_threshold: number;
  cooldown_points: number;
  season_period_hours: number;
  season_bins: number;
  gap_factor: number;
}

const HOUR_MS = 3_600_000;

class MetricDetector implements Detector<FacilityEvent> {
  private readonly watched: ReadonlySet<string>;
  private readonly series: KeyedState<UnivariateDetector>;

  constructor(
    private readonly config: MetricConfig,
    state: DetectorState,
  ) {
    this.watched = new Set(config.metrics);
    const options: Partial<UnivariateOptions> = {
      probationPoints: config.probation_points,
      threshold: config.threshold,
      exitThreshold: config.exit_threshold,
      cooldownPoints: config.cooldown_points,
      seasonPeriodMs: config.season_period_hours * HOUR_MS,
      seasonBins: config.season_bins,
      gapFactor: config.gap_factor,
    };
    // A restored series takes today's thresholds, so a config change applies to old series.
    const codec: StateCodec<UnivariateDetector> = {
      encode: (d) => d.snapshot(),
      decode: (json) => {
        const s = json as UnivariateState;
        return UnivariateDetector.restore({ ...s, options: { ...s.options, ...options } });
      },
    };
    this.series = state.keyed('series', { codec });
    this.create = () => new UnivariateDetector(options);
  }

  private readonly create: () => UnivariateDetector;

  update(event: FacilityEvent): Finding | null {
    if (event.kind === 'badge' || event.metrics === undefined) return null;
    const metrics: UpsMetrics | CoolingMetrics = event.metrics;
    let best: Finding | null = null;
    for (const [metric, value] of Object.entries(metrics) as [MetricName, number | undefined][]) {
      if (value === undefined || !this.watched.has(metric)) continue;
      const detector = this.series.getOrCreate(`${event.device_id}|${metric}`, this.create);
      const r = detector.update(event.ts, value);
      if (r.alert && (best === null || r.score * 100 > best.score)) best = this.finding(metric, r, event);
    }
    return best;
  }

  private finding(metric: string, r: UnivariateResult, event: UpsEvent | CoolingEvent): Finding {
    const severity: Severity = r.score >= 0.95 ? 'high' : r.score >= 0.75 ? 'medium' : 'low';
    const device = event.kind === 'ups' ? 'UPS' : 'cooling unit';
    const e = { metric, device: event.device_id };
    const range = r.statistic === 'stuck' ? 'changing values' : `${fmt(r.lower)} to ${fmt(r.upper)}`;
    const window =
      `robust smoother, CUSUM and drift test over recent points` +
      (this.config.season_period_hours > 0
        ? `; ${this.config.season_bins}-bin profile over ${this.config.season_period_hours} h`
        : '') +
      `; after ${this.config.probation_points} points of probation`;
    return {
      entity: { type: 'device', id: e.device },
      severity,
      score: Math.round(r.score * 100),
      title: `${e.metric} on ${device} ${e.device}: ${LABEL[r.statistic]}`,
      description:
        `${e.metric} on ${device} ${e.device} (${event.site}/${event.zone}) read ${fmt(r.observed)}, ` +
        `against an expected ${range} (forecast ${fmt(r.expected)}); the ${r.statistic} statistic's ` +
        `surprise of ${r.surprise.toFixed(1)} gives score ${r.score.toFixed(2)} ≥ threshold ${this.config.threshold}.`,
      explanation: {
        statistic: `univariate.${r.statistic}`,
        observed: r.observed,
        expected: r.expected,
        expected_range: [r.lower, r.upper],
        threshold: this.config.threshold,
        window,
        surprise_log10: r.surprise,
        metric: e.metric,
        episode: r.episode,
        site: event.site,
        zone: event.zone,
      },
      episodeKey: e.metric,
    };
  }
}

const LABEL: Record<UnivariateResult['statistic'], string> = {
  spike: 'sudden jump',
  seasonal: 'outside its usual range for the time of day',
  shift: 'level shift',
  drift: 'drifting away from its baseline',
  variance: 'change in variability',
  stuck: 'stuck value',
};

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 100 ? x.toFixed(1) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(3);
}

export const facilityMetric = defineDetector({
  id: 'facility.metric',
  eventType: 'facility',
  category: 'facility',
  description: 'A UPS or cooling metric leaves its learned (seasonal) range, one finding per episode.',
  config: {
    learning_minutes: z
      .number()
      .min(0)
      .default(1440)
      .describe(
        'Event-time minutes after a partition first sees data during which findings are dropped: a day, so daily cycles and slow baselines settle before anyone is paged.',
      ),
    metrics: z
      .array(z.enum([...UPS_METRICS, ...COOLING_METRICS]))
      .default([...UPS_METRICS, ...COOLING_METRICS])
      .describe('UPS and cooling metrics to watch; each device and metric is its own series.'),
    probation_points: z
      .number()
      .int()
      .min(0)
      .default(150)
      .describe('Readings a new series only learns from before it may alert.'),
    threshold: z
      .number()
      .gt(0)
      .max(1)
      .default(0.7)
      .describe(
        'Anomaly score (0–1) that opens an episode and raises one finding; 0.7 ≈ a calibrated tail ' +
          'probability of 2e-6 per reading (about one false alarm per metric per year at 1-minute sampling).',
      ),
    exit_threshold: z
      .number()
      .min(0)
      .max(1)
      .default(0.4)
      .describe('Score under which an open episode starts to close (hysteresis; keep below threshold).'),
    cooldown_points: z
      .number()
      .int()
      .min(1)
      .default(12)
      .describe('Consecutive readings under exit_threshold that close an episode.'),
    season_period_hours: z
      .number()
      .min(0)
      .default(24)
      .describe('Length of the learned seasonal cycle in hours; 0 disables the seasonal profile.'),
    season_bins: z.number().int().min(1).max(1024).default(24).describe('Bins of the seasonal profile.'),
    gap_factor: z
      .number()
      .gt(1)
      .default(10)
      .describe(
        'A silence longer than this many typical reporting intervals restarts the short-term models.',
      ),
  },
  create: (config, state) => new MetricDetector(config, state),
});
