/**
 * facility.metric's per-device state: which metrics are a device's columns, and the
 * changelog codec of its MultivariateDetector. A restored device takes today's options
 * (thresholds, probation, season) and today's metric list, so a configuration change
 * applies to devices learned before it.
 */
import type { KeyedState, StateCodec, DetectorState } from '../../../shared/pipeline/keyed-state.ts';
import type { CombinerOptions } from '../../../shared/stats/multivariate-combiner.ts';
import { MultivariateDetector, type MultivariateState } from '../../../shared/stats/multivariate-detector.ts';
import { UnivariateDetector, type UnivariateOptions } from '../../../shared/stats/univariate-detector.ts';

export const UPS_METRICS = [
  'load_pct',
  'battery_pct',
  'input_v',
  'output_v',
  'freq_hz',
  'temp_c',
  'runtime_min',
] as const;
export const COOLING_METRICS = [
  'supply_c',
  'return_c',
  'humidity_pct',
  'fan_rpm',
  'flow_lpm',
  'setpoint_c',
] as const;
export type MetricName = (typeof UPS_METRICS)[number] | (typeof COOLING_METRICS)[number];

export type DeviceOptions = Partial<UnivariateOptions & CombinerOptions>;

/** The watched metrics of each device kind, in the kind's fixed column order. */
export function kindColumns(watched: ReadonlySet<string>): { ups: MetricName[]; cooling: MetricName[] } {
  return {
    ups: UPS_METRICS.filter((m) => watched.has(m)),
    cooling: COOLING_METRICS.filter((m) => watched.has(m)),
  };
}

/** The keyed store `devices` (key: device id), one MultivariateDetector per device. */
export function deviceStore(
  state: DetectorState,
  watched: ReadonlySet<string>,
  options: DeviceOptions,
): KeyedState<MultivariateDetector> {
  const codec: StateCodec<MultivariateDetector> = {
    encode: (d) => d.snapshot(),
    decode: (json) => {
      const s = json as MultivariateState;
      const kept = s.columns.filter((c) => watched.has(c));
      // None watched any more: its kind's events no longer reach the store, so keep it as is.
      return MultivariateDetector.restore(withColumns(s, kept.length > 0 ? kept : s.columns, options));
    },
  };
  return state.keyed('devices', { codec });
}

/** `d` with `columns` (a superset of its own, in the kind's order): new metrics start learning. */
export function extended(
  d: MultivariateDetector,
  columns: readonly string[],
  options: DeviceOptions,
): MultivariateDetector {
  return MultivariateDetector.restore(withColumns(d.snapshot(), columns, options));
}

/**
 * `s` with today's options merged into every metric's and the combination's, and with
 * `columns`: a metric not among them is dropped, a new one starts learning from scratch;
 * the combination keeps what it learned.
 */
function withColumns(
  s: MultivariateState,
  columns: readonly string[],
  options: DeviceOptions,
): MultivariateState {
  const same = s.columns.length === columns.length && s.columns.every((c, i) => c === columns[i]);
  const detectors = same
    ? s.detectors
    : columns.map((c) => {
        const i = s.columns.indexOf(c);
        return i >= 0 ? s.detectors[i]! : new UnivariateDetector(options).snapshot();
      });
  return {
    ...s,
    columns: [...columns],
    detectors: detectors.map((d) => ({ ...d, options: { ...d.options, ...options } })),
    combiner: { ...s.combiner, options: { ...s.combiner.options, ...options } },
  };
}
