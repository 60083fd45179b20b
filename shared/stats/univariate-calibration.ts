/**
 * Calibration settings of the univariate detector's components, shared by the detector
 * (new series) and its state restore (older snapshots take them on), so neither module
 * imports the other.
 */
/** Weight of the drift difference's spread (≈ 1,000 points: steadier than the 400-point baseline it judges). */
export const DRIFT_SPREAD_ALPHA = 0.002;
/**
 * Cap on what one drift surprise teaches its calibrator: a drift's surprises persist for
 * many points, and at 3 one drift discounted the next one.
 */
export const DRIFT_MAX_EXCESS = 2;
/**
 * Upper calibration levels (tail-calibrator.ts) of the spike and seasonal components, the
 * two that fire on single points: heavy-tailed series (latency, counts, bytes) have
 * harmless outliers that reach far past the ordinary noise, and a second tail fit above
 * these surprises discounts them when they recur, while a 20× spike still saturates.
 */
export const SPIKE_UPPER = 8;
export const SEASON_UPPER = 6;
export const UPPER_MAX_EXCESS = 7;
