/**
 * Novelty against everything a series has done: a small codebook of prototypes in a
 * feature space (online vector quantisation with a vigilance radius, as in adaptive
 * resonance theory, Carpenter & Grossberg 1987, and its use for anomaly detection in
 * ARTime), each with a decayed usage weight. `distance(f)` is how far f lies from the
 * nearest prototype; `learn(f)` moves that prototype towards f, or, when f is farther
 * than the radius from all of them, replaces the least used prototype by f.
 * O(K·D) per point, K·(D + 1) float32 numbers of state, snapshotted packed (packed.ts).
 */
import { packArray, unpackF32 } from './packed.ts';
import { checkVersion } from './ring-buffer.ts';

export interface NoveltyCodebookState {
  v: 1;
  size: number;
  dims: number;
  radius: number;
  forget: number;
  used: number;
  /** Decay not yet applied to the weights. */
  g: number;
  /** Packed float32 prototypes (used × dims) and weights (used). */
  protos: string;
  weight: string;
}

export class NoveltyCodebook {
  readonly size: number;
  readonly dims: number;
  readonly radius: number;
  readonly forget: number;
  private used = 0;
  private readonly protos: Float32Array;
  private readonly weight: Float32Array;
  /** Decay not yet applied to the stored weights (true weight = stored · g). */
  private g = 1;
  private nearest = -1;
  private nearestDist = Number.POSITIVE_INFINITY;

  constructor(size = 24, dims = 2, radius = 0.5, forget = 1 / 5000) {
    this.size = size;
    this.dims = dims;
    this.radius = radius;
    this.forget = forget;
    this.protos = new Float32Array(size * dims);
    this.weight = new Float32Array(size);
  }

  /** Distance from f to the nearest prototype (+∞ while the codebook is empty). */
  distance(f: ArrayLike<number>): number {
    const D = this.dims;
    let best = -1;
    let bd = Number.POSITIVE_INFINITY;
    if (D === 2) {
      // The novelty component's (level, volatility) pairs: the same sums, unrolled.
      const protos = this.protos;
      const f0 = f[0] as number;
      const f1 = f[1] as number;
      for (let k = 0; k < this.used; k++) {
        const e0 = f0 - (protos[2 * k] as number);
        const e1 = f1 - (protos[2 * k + 1] as number);
        const d2 = e0 * e0 + e1 * e1;
        if (d2 < bd) {
          bd = d2;
          best = k;
        }
      }
      this.nearest = best;
      this.nearestDist = Math.sqrt(bd);
      return this.nearestDist;
    }
    for (let k = 0; k < this.used; k++) {
      let d2 = 0;
      for (let j = 0; j < D; j++) {
        const e = (f[j] as number) - (this.protos[k * D + j] as number);
        d2 += e * e;
      }
      if (d2 < bd) {
        bd = d2;
        best = k;
      }
    }
    this.nearest = best;
    this.nearestDist = Math.sqrt(bd);
    return this.nearestDist;
  }

  /** Coordinate j of the prototype found by the last `distance` call (NaN if none). */
  nearestFeature(j: number): number {
    return this.nearest < 0 ? Number.NaN : (this.protos[this.nearest * this.dims + j] as number);
  }

  /**
   * Ages every weight by `1 − forget` at once: weights are kept divided by g, the decay so
   * far, and folded in only when g gets small.
   */
  private decay(): void {
    this.g *= 1 - this.forget;
    if (this.g > 1e-6) return;
    for (let k = 0; k < this.used; k++) this.weight[k] = (this.weight[k] as number) * this.g;
    this.g = 1;
  }

  /** Learns f; call `distance(f)` first. */
  learn(f: ArrayLike<number>): void {
    const D = this.dims;
    this.decay();
    let k = this.nearest;
    if (k >= 0 && this.nearestDist <= this.radius) {
      const w = (this.weight[k] as number) * this.g + 1;
      this.weight[k] = w / this.g;
      const a = Math.max(1 / w, 0.02);
      for (let j = 0; j < D; j++) {
        const p = this.protos[k * D + j] as number;
        this.protos[k * D + j] = p + a * ((f[j] as number) - p);
      }
      return;
    }
    if (this.used < this.size) k = this.used++;
    else {
      k = 0;
      for (let i = 1; i < this.size; i++) if ((this.weight[i] as number) < (this.weight[k] as number)) k = i;
    }
    this.weight[k] = 1 / this.g;
    for (let j = 0; j < D; j++) this.protos[k * D + j] = f[j] as number;
  }

  snapshot(): NoveltyCodebookState {
    return {
      v: 1,
      size: this.size,
      dims: this.dims,
      radius: this.radius,
      forget: this.forget,
      used: this.used,
      g: this.g,
      protos: packArray(this.protos.subarray(0, this.used * this.dims)),
      weight: packArray(this.weight.subarray(0, this.used)),
    };
  }

  static restore(s: NoveltyCodebookState): NoveltyCodebook {
    checkVersion(s.v, 'NoveltyCodebook');
    const c = new NoveltyCodebook(s.size, s.dims, s.radius, s.forget);
    c.used = s.used;
    c.g = s.g;
    c.protos.set(unpackF32(s.protos, s.used * s.dims));
    c.weight.set(unpackF32(s.weight, s.used));
    return c;
  }
}
