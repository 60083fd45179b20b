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
import { Ewma, type EwmaState } from './ewma.ts';
import { NoveltyCodebook, type NoveltyCodebookState } from './novelty-codebook.ts';
import { normalTail } from './normal.ts';
import { checkVersion } from './ring-buffer.ts';

export interface NoveltyState {
  v: 1;
  codebook: NoveltyCodebookState;
  mean: EwmaState;
  spread: EwmaState;
  level: EwmaState;
  volatility: EwmaState;
  /** The last value learned (null before any). */
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
  private mean = new Ewma(LONG_ALPHA);
  private spread = new Ewma(LONG_ALPHA);
  private level = new Ewma(LEVEL_ALPHA);
  private volatility = new Ewma(VOLATILITY_ALPHA);
  private last = Number.NaN;
  private readonly features = new Float64Array(2);
  private scored = false;
  /** The long-run spread used for the last score (explanations convert back with it). */
  unit = 0;

  /** Forgets the features of the last scored point (a new point starts). */
  clear(): void {
    this.scored = false;
  }

  /** Raw surprise of x; call `learn` after it for the same point. */
  score(x: number, floor: number): number {
    this.scored = false;
    if (this.mean.count === 0 || this.volatility.count === 0) return 0;
    const unit = (this.unit = Math.max(this.spread.mean * MEAN_ABS_TO_SIGMA, floor));
    const level = this.level.mean + LEVEL_ALPHA * (x - this.level.mean);
    const vol = this.volatility.mean + VOLATILITY_ALPHA * (Math.abs(x - this.last) - this.volatility.mean);
    this.features[0] = (level - this.mean.mean) / unit;
    this.features[1] = vol / unit;
    const d = this.codebook.distance(this.features);
    this.scored = true;
    if (!Number.isFinite(d)) return 0;
    return -Math.log10(Math.max(2 * normalTail(d / NOVELTY_SCALE), 1e-300));
  }

  /** The level of the nearest prototype of the last scored point, in the series' units. */
  nearestLevel(): number {
    return this.mean.mean + this.codebook.nearestFeature(0) * this.unit;
  }

  learn(x: number): void {
    if (this.scored) this.codebook.learn(this.features);
    this.scored = false;
    this.mean.push(x);
    this.spread.push(Math.abs(x - this.mean.mean));
    this.level.push(x);
    this.volatility.push(Number.isNaN(this.last) ? 0 : Math.abs(x - this.last));
    this.last = x;
  }

  snapshot(): NoveltyState {
    return {
      v: 1,
      codebook: this.codebook.snapshot(),
      mean: this.mean.snapshot(),
      spread: this.spread.snapshot(),
      level: this.level.snapshot(),
      volatility: this.volatility.snapshot(),
      last: Number.isNaN(this.last) ? null : this.last,
    };
  }

  static restore(s: NoveltyState): Novelty {
    checkVersion(s.v, 'Novelty');
    const n = new Novelty();
    n.codebook = NoveltyCodebook.restore(s.codebook);
    n.mean = Ewma.restore(s.mean);
    n.spread = Ewma.restore(s.spread);
    n.level = Ewma.restore(s.level);
    n.volatility = Ewma.restore(s.volatility);
    n.last = s.last ?? Number.NaN;
    return n;
  }
}
