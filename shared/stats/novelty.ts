/**
 * Novelty against the whole history of a series: is the current level, or the current
 * point-to-point volatility, unlike anything the series has done before? Many real faults
 * are first-of-their-kind — a temperature never reached, bursts denser than ever, a spike
 * far above every earlier one — while the forecasting models only ask whether a point fits
 * the recent past. Each point becomes a feature pair (its short-term level and volatility,
 * both in units of the series' long-run spread around its long-run mean) and is compared
 * with a codebook of the feature pairs seen so far (novelty-codebook.ts); the surprise is
 * the Gaussian surprise of the distance to the nearest, in units of NOVELTY_SCALE. The
 * detector calibrates it against this series' own history like every other component.
 * O(K) per point (K = 24 prototypes); state ≈ 0.6 KB.
 */
import { NoveltyCodebook, type NoveltyCodebookState } from './novelty-codebook.ts';
import { normalTail } from './normal.ts';
import { checkVersion } from './ring-buffer.ts';

export interface NoveltyState {
  v: 1;
  codebook: NoveltyCodebookState;
  /** Points learned; the long-run mean and spread, short-term level and volatility; the last value. */
  n: number;
  means: [number, number, number, number];
  last: number | null;
}

const PROTOTYPES = 24;
/** Vigilance: a feature pair farther than this (in long-run spreads) from every prototype starts a new one. */
const RADIUS = 0.5;
/** Distance (in long-run spreads) that counts as one Gaussian σ. */
const NOVELTY_SCALE = 0.5;
/** Weight of the long-run mean and spread (≈ 1,000 points). */
const LONG_ALPHA = 0.001;
const LEVEL_ALPHA = 0.5;
const VOLATILITY_ALPHA = 0.1;
const MEAN_ABS_TO_SIGMA = 1.25;

export class Novelty {
  private codebook = new NoveltyCodebook(PROTOTYPES, 2, RADIUS);
  /** Points learned, and exponentially weighted means (weight ≥ 1/n while young). */
  private n = 0;
  private mean = 0;
  private spread = 0;
  private level = 0;
  private volatility = 0;
  private last = Number.NaN;
  private readonly features = new Float64Array(2);
  private scored = false;
  /** The long-run spread used for the last score (explanations convert back with it). */
  unit = 0;

  /** Points learned. */
  get count(): number {
    return this.n;
  }

  /** Forgets the features of the last scored point (a new point starts). */
  clear(): void {
    this.scored = false;
  }

  /** Raw surprise of x; call `learn` after it for the same point. */
  score(x: number, floor: number): number {
    this.scored = false;
    if (this.n === 0) return 0;
    const unit = (this.unit = Math.max(this.spread * MEAN_ABS_TO_SIGMA, floor));
    const level = this.level + LEVEL_ALPHA * (x - this.level);
    const vol = this.volatility + VOLATILITY_ALPHA * (Math.abs(x - this.last) - this.volatility);
    this.features[0] = (level - this.mean) / unit;
    this.features[1] = vol / unit;
    const d = this.codebook.distance(this.features);
    this.scored = true;
    // Within the vigilance radius of a prototype a point is one the series has made before
    // (the codebook learns it as that prototype): no novelty. Most points are, and their
    // tail would be under 0.5 anyway, as the other components' ordinary |z| < 1 are.
    if (!Number.isFinite(d) || d <= RADIUS) return 0;
    return -Math.log10(Math.max(2 * normalTail(d / NOVELTY_SCALE), 1e-300));
  }

  /** The level of the nearest prototype of the last scored point, in the series' units. */
  nearestLevel(): number {
    return this.mean + this.codebook.nearestFeature(0) * this.unit;
  }

  learn(x: number): void {
    if (this.scored) this.codebook.learn(this.features);
    this.scored = false;
    const young = 1 / ++this.n;
    const long = Math.max(LONG_ALPHA, young);
    this.mean += long * (x - this.mean);
    this.spread += long * (Math.abs(x - this.mean) - this.spread);
    this.level += Math.max(LEVEL_ALPHA, young) * (x - this.level);
    const step = Number.isNaN(this.last) ? 0 : Math.abs(x - this.last);
    this.volatility += Math.max(VOLATILITY_ALPHA, young) * (step - this.volatility);
    this.last = x;
  }

  snapshot(): NoveltyState {
    return {
      v: 1,
      codebook: this.codebook.snapshot(),
      n: this.n,
      means: [this.mean, this.spread, this.level, this.volatility],
      last: Number.isNaN(this.last) ? null : this.last,
    };
  }

  static restore(s: NoveltyState): Novelty {
    checkVersion(s.v, 'Novelty');
    const r = new Novelty();
    r.codebook = NoveltyCodebook.restore(s.codebook);
    r.n = s.n;
    [r.mean, r.spread, r.level, r.volatility] = s.means;
    r.last = s.last ?? Number.NaN;
    return r;
  }
}
