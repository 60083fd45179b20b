/**
 * Ground truth: one label per injected scenario, written to labels.json and returned by
 * `simulate()`. Backtests match alerts to labels by detector, entity and time window.
 */
import type { AlertCategory, AlertEntity } from '../events/types.ts';

/** Detector ids of the catalogue (docs/architecture.md, "Detector catalogue"); a label names the ones expected to fire. */
export type DetectorId =
  | 'inference.extraction.rate'
  | 'inference.extraction.prada'
  | 'inference.extraction.probing'
  | 'inference.drift.output'
  | 'inference.drift.input'
  | 'inference.behavior'
  | 'access.volume'
  | 'access.bulk_export'
  | 'access.rare_resource'
  | 'access.off_hours'
  | 'access.denied_burst'
  | 'access.cross_tenant'
  | 'facility.metric'
  | 'facility.state'
  | 'facility.silence'
  | 'physical.badge'
  | 'cyber_physical.correlation';

export interface Label {
  /** Scenario name, e.g. `extraction-prada`. */
  name: string;
  category: AlertCategory;
  /**
   * Attacks: the detectors expected to fire. Benign look-alikes (`benign: true`): the
   * detectors the activity resembles, which should stay silent.
   */
  detectors: DetectorId[];
  entity: AlertEntity;
  tenant: string;
  /** RFC 3339; the window in which the scenario's events occur. */
  start: string;
  end: string;
  benign?: boolean;
  /** The resolved parameters, so a label reproduces its scenario. */
  params: Record<string, string | number | boolean | string[]>;
}
