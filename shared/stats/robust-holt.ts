/**
 * Robust exponential smoothing with a damped trend: Holt's linear method (Holt 1957)
 * with Gardner & McKenzie's (1985) damping, made robust as in Gelper, Fried & Croux
 * (2010, "Robust forecasting with exponential and Holt–Winters smoothing", J. Forecasting
 * 29): each observation is replaced by its forecast plus a Huber-clipped residual before
 * it updates level and trend, and the residual scale is itself smoothed from clipped
 * residuals. An outlier therefore moves the forecast by at most `clip`·σ·α, while a real
 * level change is absorbed over a few dozen samples. O(1), five numbers of state.
 */
import { checkVersion } from './ring-buffer.ts';

export interface RobustHoltOptions {
  /** Level smoothing weight. */
  alphaLevel?: number;
  /** Trend smoothing weight (0 disables the trend). */
  alphaTrend?: number;
  /** Trend damping φ per step (Gardner & McKenzie 1985). */
  damping?: number;
  /** Scale smoothing weight. */
  alphaScale?: number;
  /** Huber clipping constant, in scale units. */
  clip?: number;
}

export interface RobustHoltState {
  v: 1;
  options: Required<RobustHoltOptions>;
  n: number;
  level: number;
  trend: number;
  scale: number;
}

/** E|X| = σ·√(2/π) for Gaussian X, so σ ≈ 1.2533·mean |residual|. */
const MEAN_ABS_TO_SIGMA = Math.sqrt(Math.PI / 2);

export class RobustHolt {
  private readonly o: Required<RobustHoltOptions>;
  private n = 0;
  private level = 0;
  private trend = 0;
  private scaleAbs = 0; // smoothed mean |clipped residual|

  constructor(o: RobustHoltOptions = {}) {
    this.o = {
      alphaLevel: o.alphaLevel ?? 0.25,
      alphaTrend: o.alphaTrend ?? 0.05,
      damping: o.damping ?? 0.9,
      alphaScale: o.alphaScale ?? 0.02,
      clip: o.clip ?? 2.5,
    };
  }

  /** One-step-ahead forecast (NaN before the first sample). */
  get forecast(): number {
    return this.n === 0 ? Number.NaN : this.level + this.o.damping * this.trend;
  }

  /** Residual scale as a Gaussian σ (0 until two samples). */
  get scale(): number {
    return this.scaleAbs * MEAN_ABS_TO_SIGMA;
  }

  get count(): number {
    return this.n;
  }

  /**
   * Learns `x` and returns its residual against the forecast made before it.
   * `floor` bounds the scale used for clipping from below (e.g. for flat lines).
   */
  update(x: number, floor = 0): number {
    if (this.n === 0) {
      this.n = 1;
      this.level = x;
      return 0;
    }
    const o = this.o;
    const f = this.level + o.damping * this.trend;
    const r = x - f;
    const sigma = Math.max(this.scale, floor);
    // Until the scale is learned (n small) take residuals as they are.
    const bound = this.n < 10 || sigma === 0 ? Math.abs(r) : o.clip * sigma;
    const rc = r > bound ? bound : r < -bound ? -bound : r;
    const prevLevel = this.level;
    this.level = f + o.alphaLevel * rc;
    this.trend = o.damping * this.trend + o.alphaTrend * (this.level - prevLevel - o.damping * this.trend);
    this.n++;
    const a = Math.max(o.alphaScale, 1 / this.n);
    this.scaleAbs += a * (Math.min(Math.abs(r), this.n < 10 ? Infinity : 3 * sigma) - this.scaleAbs);
    return r;
  }

  /** Restarts level and trend at `x` (after a gap in the data), keeping the scale. */
  rebase(x: number): void {
    this.level = x;
    this.trend = 0;
  }

  /** Moves the level by `delta` (a detected level shift becomes the new normal). */
  shift(delta: number): void {
    this.level += delta;
  }

  snapshot(): RobustHoltState {
    return {
      v: 1,
      options: { ...this.o },
      n: this.n,
      level: this.level,
      trend: this.trend,
      scale: this.scaleAbs,
    };
  }

  static restore(s: RobustHoltState): RobustHolt {
    checkVersion(s.v, 'RobustHolt');
    const h = new RobustHolt(s.options);
    h.n = s.n;
    h.level = s.level;
    h.trend = s.trend;
    h.scaleAbs = s.scale;
    return h;
  }
}
