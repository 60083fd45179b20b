/**
 * Calibrates a stream of surprises (−log10 of a model's tail probability) against how
 * surprising this series has actually been, by peaks over threshold: exceedances of a
 * level u are modelled as exponential (the shape-0 generalised Pareto of extreme value
 * theory; Pickands 1975, and its streaming use in SPOT, Siffer et al. 2017, "Anomaly
 * detection in streams with extreme value theory", KDD). With r the rate of exceedance
 * and m the mean excess, P(S > s) ≈ r·exp(−(s − u)/m) for s > u.
 *
 * If the model's p-values are right, r = 10^−u and m = log10(e), and the calibrated
 * surprise equals the raw one; heavy-tailed or autocorrelated noise raises r and m, so
 * the same raw surprise counts for less. Counts decay (weight `1 − forget` per sample),
 * start from a prior of `priorPoints` well-calibrated points, and each excess is capped
 * so a real anomaly cannot teach the calibrator that anomalies are normal.
 * O(1), three numbers of state. This is the likelihood layer of the univariate detector
 * (in the spirit of Numenta's anomaly likelihood, anomaly-likelihood.ts, but per model
 * and with a tail fit suited to single-point surprises).
 */
import { checkVersion } from './ring-buffer.ts';

export interface TailCalibratorState {
  v: 1;
  u: number;
  forget: number;
  maxExcess: number;
  n: number;
  exceed: number;
  excess: number;
}

const LOG10E = Math.LOG10E;

export class TailCalibrator {
  readonly u: number;
  readonly forget: number;
  readonly maxExcess: number;
  private n: number;
  private exceed: number;
  private excess: number;

  constructor(u = 2, priorPoints = 500, forget = 1 / 5000, maxExcess = 3) {
    this.u = u;
    this.forget = forget;
    this.maxExcess = maxExcess;
    this.n = priorPoints;
    this.exceed = priorPoints * Math.pow(10, -u);
    this.excess = this.exceed * LOG10E;
  }

  /** Calibrated surprise of `s` under what has been seen so far (does not learn `s`). */
  calibrate(s: number): number {
    const base = -Math.log10(this.exceed / this.n);
    if (s <= this.u) return (s * base) / this.u;
    return base + ((s - this.u) * LOG10E) / (this.excess / this.exceed);
  }

  /** Learns `s`. */
  learn(s: number): void {
    const keep = 1 - this.forget;
    this.n = this.n * keep + 1;
    this.exceed *= keep;
    this.excess *= keep;
    if (s > this.u) {
      this.exceed += 1;
      this.excess += Math.min(s - this.u, this.maxExcess);
    }
  }

  /** Calibrates then learns: the usual streaming step. */
  update(s: number): number {
    const c = this.calibrate(s);
    this.learn(s);
    return c;
  }

  snapshot(): TailCalibratorState {
    const { u, forget, maxExcess, n, exceed, excess } = this;
    return { v: 1, u, forget, maxExcess, n, exceed, excess };
  }

  static restore(s: TailCalibratorState): TailCalibrator {
    checkVersion(s.v, 'TailCalibrator');
    const c = new TailCalibrator(s.u, 1, s.forget, s.maxExcess);
    c.n = s.n;
    c.exceed = s.exceed;
    c.excess = s.excess;
    return c;
  }
}
