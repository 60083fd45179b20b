/**
 * Seeded random projections of vectors, and the p-stable LSH sketch built on them.
 * - A projection to k dimensions preserves Euclidean distances up to a small relative
 *   error (Johnson–Lindenstrauss; Achlioptas 2003). Up to 64 input dimensions the
 *   entries are Gaussian N(0, 1/k); beyond, they are "very sparse" (Li, Hastie & Church
 *   2006, KDD): ±√(s/k) with probability 1/(2s) each, s = √d, so a projection costs
 *   about k·√d multiply-adds instead of k·d.
 * - A p-stable LSH signature of 16 quantised projections (below): near-duplicates share
 *   nearly all buckets, so counting them needs no pairwise pass over history.
 * Matrices depend only on (input dims, output dims, seed) and are cached.
 */
import { mulberry32 } from './mulberry32.ts';

export class RandomProjection {
  private static readonly cache = new Map<string, RandomProjection>();
  /** Row-major dense matrix, or CSR-like rows of (index, weight) when sparse. */
  private readonly dense: Float64Array | null;
  private readonly rowStart: Int32Array | null;
  private readonly cols: Int32Array | null;
  private readonly weights: Float64Array | null;

  private constructor(
    readonly inDims: number,
    readonly outDims: number,
    seed: number,
  ) {
    const next = mulberry32(seed ^ Math.imul(inDims, 0x9e3779b1) ^ Math.imul(outDims, 0x85ebca6b));
    if (inDims <= 64) {
      const scale = 1 / Math.sqrt(outDims);
      this.dense = new Float64Array(inDims * outDims);
      for (let i = 0; i < this.dense.length; i++) this.dense[i] = gaussian(next) * scale;
      this.rowStart = this.cols = this.weights = null;
      return;
    }
    const s = Math.sqrt(inDims);
    const w = Math.sqrt(s / outDims);
    const cols: number[] = [];
    const weights: number[] = [];
    this.rowStart = new Int32Array(outDims + 1);
    for (let j = 0; j < outDims; j++) {
      this.rowStart[j] = cols.length;
      for (let i = 0; i < inDims; i++) {
        const u = next();
        if (u < 1 / (2 * s)) {
          cols.push(i);
          weights.push(w);
        } else if (u < 1 / s) {
          cols.push(i);
          weights.push(-w);
        }
      }
    }
    this.rowStart[outDims] = cols.length;
    this.cols = Int32Array.from(cols);
    this.weights = Float64Array.from(weights);
    this.dense = null;
  }

  /** The shared projection for these sizes and seed. */
  static of(inDims: number, outDims: number, seed = 1): RandomProjection {
    if (!Number.isInteger(inDims) || inDims < 1 || !Number.isInteger(outDims) || outDims < 1) {
      throw new RangeError('RandomProjection needs integer dimensions ≥ 1');
    }
    const key = `${inDims}:${outDims}:${seed}`;
    let p = RandomProjection.cache.get(key);
    if (p === undefined) {
      if (RandomProjection.cache.size > 256) RandomProjection.cache.clear();
      p = new RandomProjection(inDims, outDims, seed);
      RandomProjection.cache.set(key, p);
    }
    return p;
  }

  /** out[j] = Σ_i R[j][i] · (x[i] − centre[i]); `x` shorter than inDims is zero-padded. */
  apply(x: ArrayLike<number>, out: Float64Array, centre?: ArrayLike<number>): Float64Array {
    const d = Math.min(x.length, this.inDims);
    if (this.dense !== null) {
      applyDense(this.dense, this.inDims, this.outDims, d, x, out, centre);
      return out;
    }
    const starts = this.rowStart as Int32Array;
    const cols = this.cols as Int32Array;
    const w = this.weights as Float64Array;
    for (let j = 0; j < this.outDims; j++) {
      let s = 0;
      for (let k = starts[j] as number; k < (starts[j + 1] as number); k++) {
        const i = cols[k] as number;
        if (i >= d) continue;
        s += (w[k] as number) * ((x[i] as number) - (centre === undefined ? 0 : (centre[i] ?? 0)));
      }
      out[j] = s;
    }
    return out;
  }
}

/**
 * Dense rows, four outputs at a time: each sum is still added term by term in input
 * order (so every output is bit-for-bit the one-row-at-a-time sum), but four independent
 * sums advance together instead of one chain of dependent additions.
 */
function applyDense(
  m: Float64Array,
  inDims: number,
  outDims: number,
  d: number,
  x: ArrayLike<number>,
  out: Float64Array,
  centre: ArrayLike<number> | undefined,
): void {
  let j = 0;
  for (; j + 4 <= outDims; j += 4) {
    const r0 = j * inDims;
    const r1 = r0 + inDims;
    const r2 = r1 + inDims;
    const r3 = r2 + inDims;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let i = 0; i < d; i++) {
      const xi = centre === undefined ? (x[i] as number) : (x[i] as number) - (centre[i] ?? 0);
      s0 += (m[r0 + i] as number) * xi;
      s1 += (m[r1 + i] as number) * xi;
      s2 += (m[r2 + i] as number) * xi;
      s3 += (m[r3 + i] as number) * xi;
    }
    out[j] = s0;
    out[j + 1] = s1;
    out[j + 2] = s2;
    out[j + 3] = s3;
  }
  for (; j < outDims; j++) {
    const row = j * inDims;
    let s = 0;
    for (let i = 0; i < d; i++) {
      const xi = centre === undefined ? (x[i] as number) : (x[i] as number) - (centre[i] ?? 0);
      s += (m[row + i] as number) * xi;
    }
    out[j] = s;
  }
}

/**
 * p-stable LSH signature (Datar, Immorlica, Indyk & Mirrokni 2004, "Locality-sensitive
 * hashing scheme based on p-stable distributions", SoCG): each of 16 projections p_j is
 * cut into buckets ⌊p_j / w_j + u_j⌋ of width w_j with a fixed random offset u_j, and the
 * bucket indices (mod 16) are packed as nibbles into two 32-bit halves `out[0..1]`. Two
 * points a Euclidean distance d apart land in the same bucket of projection j with
 * probability about 1 − |Δp_j| / w_j, so near-duplicates (d ≪ w) agree on nearly every
 * nibble and ordinary neighbours on few. Unlike SimHash, whose bits only see angles,
 * this sees distances: queries clustered far from the centre are not near-duplicates
 * just because they point the same way.
 */
export const SIGNATURE_PROJECTIONS = 16;

export function pStableSignature(
  projected: ArrayLike<number>,
  widths: ArrayLike<number>,
  out: Uint32Array,
): void {
  let lo = 0;
  let hi = 0;
  for (let j = 0; j < SIGNATURE_PROJECTIONS; j++) {
    const w = widths[j] as number;
    const bucket = w > 0 ? Math.floor((projected[j] as number) / w + (OFFSETS[j] as number)) : 0;
    const nibble = bucket & 15;
    if (j < 8) lo |= nibble << (4 * j);
    else hi |= nibble << (4 * (j - 8));
  }
  out[0] = lo >>> 0;
  out[1] = hi >>> 0;
}

/** Number of the 16 nibbles on which two signatures agree. */
export function equalNibbles64(aLo: number, aHi: number, bLo: number, bHi: number): number {
  return 16 - nonZeroNibbles((aLo ^ bLo) >>> 0) - nonZeroNibbles((aHi ^ bHi) >>> 0);
}

/**
 * Whether two signatures agree on at least `minEqual` of their 16 nibbles — the same
 * verdict as `equalNibbles64(…) >= minEqual`, but it stops counting differing nibbles
 * once there are too many (most pairs in a scan are far apart).
 */
export function sharesNibbles64(
  aLo: number,
  aHi: number,
  bLo: number,
  bHi: number,
  minEqual: number,
): boolean {
  // One flag bit per differing nibble: the low half's at bits 0, 4, …; the high half's at 1, 5, ….
  let t = nibbleFlags((aLo ^ bLo) >>> 0) | (nibbleFlags((aHi ^ bHi) >>> 0) << 1);
  let allowed = 16 - minEqual;
  if (allowed < 0) return false;
  for (; t !== 0; allowed--) {
    if (allowed === 0) return false;
    t &= t - 1;
  }
  return true;
}

function nibbleFlags(x: number): number {
  let t = x | (x >>> 1);
  t |= t >>> 2;
  return t & 0x11111111;
}

function nonZeroNibbles(x: number): number {
  let t = x | (x >>> 1);
  t |= t >>> 2;
  return popCount32(t & 0x11111111);
}

const OFFSETS = (() => {
  const next = mulberry32(0x0ff5e7);
  return Float64Array.from({ length: SIGNATURE_PROJECTIONS }, () => next());
})();

/** Number of set bits of a 32-bit integer. */
export function popCount32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

function gaussian(next: () => number): number {
  const u = Math.max(next(), 1e-300);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
}
