/**
 * One anomaly score for one device from the surprises of its metrics (each −log10 of a
 * calibrated tail probability, as the univariate detector reports them): a cooling unit
 * whose supply temperature creeps up while its fan slows is one anomaly, and it should
 * show earlier than either metric alone would show it.
 *
 * Three tests of "something is wrong with this device", the best one taken, with a
 * Bonferroni factor of three for the choice:
 *  - Fisher's combination (Fisher 1925): X = −2 Σ ln p_i is χ² with 2k degrees of freedom
 *    when the k metrics are independent and normal. It adds up moderate evidence from
 *    several metrics — two metrics at surprise 2.5 each combine to 3.9. Metrics of one
 *    device are rarely independent (supply and return temperature move together), and
 *    dependence makes large X more common than χ² says, so X's surprise is calibrated
 *    against this device's own history (tail-calibrator.ts), like every statistic of the
 *    univariate detector: metrics that always move together stop adding up.
 *  - Sustained evidence: a one-sided CUSUM (Page 1954) of the rows' Fisher surprises above
 *    1, calibrated the same way. A fault that creeps — supply temperature up, fan down, a
 *    little more each reading — keeps several metrics mildly surprising for many rows
 *    before any one of them is extreme; the CUSUM adds that up over time.
 *  - The most surprising metric with a Bonferroni correction for k (valid under any
 *    dependence): a fault in one metric keeps nearly its full weight, where Fisher would
 *    dilute it over k − 1 quiet ones.
 * With one metric present the combined surprise is that metric's own.
 * Metrics missing from a row (NaN) are left out of that row's k. The score and episodes
 * follow the univariate detector (episode-gate.ts). O(k) per row; state ≈ 0.4 KB.
 */
import { EpisodeGate, scoreOf, type EpisodeGateState } from './episode-gate.ts';
import { checkVersion } from './ring-buffer.ts';
import { TailCalibrator, type TailCalibratorState } from './tail-calibrator.ts';
import { withDefaults } from './with-defaults.ts';

export interface CombinerOptions {
  /** Rows learned before any combined score above 0. */
  probationPoints: number;
  threshold: number;
  exitThreshold: number;
  cooldownPoints: number;
  /** Surprise at which the score reaches 0.75 (as in the univariate detector). */
  surpriseAtOne: number;
}

export const DEFAULT_COMBINER_OPTIONS: Readonly<CombinerOptions> = Object.freeze({
  probationPoints: 150,
  threshold: 0.5,
  exitThreshold: 0.3,
  cooldownPoints: 48,
  surpriseAtOne: 8,
});

export interface CombinedResult {
  /** Combined anomaly score in [0, 1] (capped inside an episode, as the univariate one). */
  score: number;
  /** Combined surprise (−log10 p). */
  surprise: number;
  /** Which test decided: evidence added over metrics, sustained over rows, or one metric alone. */
  rule: 'fisher' | 'sustained' | 'max';
  /** Index of the most surprising metric (−1 if none was present). */
  column: number;
  alert: boolean;
  inEpisode: boolean;
  episode: number;
}

export interface MultivariateCombinerState {
  v: 1;
  options: CombinerOptions;
  n: number;
  fisher: TailCalibratorState;
  cusum: number;
  sustained: TailCalibratorState;
  episodes: EpisodeGateState;
}

const BONFERRONI_3 = Math.log10(3);
/** Reference value of the CUSUM: a row's Fisher surprise above 1 (p < 0.1) adds evidence. */
const CUSUM_K = 1;

export class MultivariateCombiner {
  readonly options: Readonly<CombinerOptions>;
  private n = 0;
  private fisher = new TailCalibrator(2, 500, 1 / 5000, 3, 'peak').withUpper(6, 7);
  private cusum = 0;
  private sustained = new TailCalibrator(2, 500, 1 / 5000, 3, 'all');
  private episodes = new EpisodeGate();
  private readonly out: CombinedResult = {
    score: 0,
    surprise: 0,
    rule: 'max',
    column: -1,
    alert: false,
    inEpisode: false,
    episode: 0,
  };

  constructor(options: Partial<CombinerOptions> = {}) {
    this.options = withDefaults(DEFAULT_COMBINER_OPTIONS, options);
  }

  /** Combines one row's surprises (NaN: metric missing) and learns it; the result is reused. */
  update(surprises: ArrayLike<number>): CombinedResult {
    const r = this.out;
    let k = 0;
    let sum = 0;
    let best = 0;
    let column = -1;
    for (let i = 0; i < surprises.length; i++) {
      const s = surprises[i] as number;
      if (!Number.isFinite(s)) continue;
      k++;
      const v = Math.max(0, s);
      sum += v;
      if (column < 0 || v > best) {
        best = v;
        column = i;
      }
    }
    r.column = column;
    if (k === 0) return this.silent();
    const o = this.options;
    // During probation the metrics' own models are still settling: nothing is learned from
    // their surprises yet; for as long again the calibrators learn before the combination
    // speaks (and the CUSUM starts only then, not from the settling models' surprises).
    if (++this.n <= o.probationPoints) return this.silent();
    // Fisher's statistic of this row, calibrated; its CUSUM (Page 1954) over rows, for a
    // fault that keeps several metrics a little off for a while; the single worst metric.
    const raw = fisherSurprise(sum, k);
    const fisher = this.fisher.update(raw);
    const speaks = this.n > 2 * o.probationPoints;
    this.cusum = speaks ? Math.max(0, this.cusum + raw - CUSUM_K) : 0;
    const sustained = this.sustained.update(this.cusum);
    const max = best - Math.log10(k);
    const top = Math.max(fisher, sustained, max);
    r.rule = k === 1 || top === max ? 'max' : top === fisher ? 'fisher' : 'sustained';
    // One metric: its own surprise; several: the best of three tests, Bonferroni for three.
    r.surprise = k === 1 ? best : Math.max(0, top - BONFERRONI_3);
    const score = speaks ? scoreOf(r.surprise, o.surpriseAtOne) : 0;
    r.score = this.episodes.step(score, r.surprise, o);
    r.alert = this.episodes.alert;
    r.inEpisode = this.episodes.inEpisode;
    r.episode = this.episodes.episode;
    return r;
  }

  /** A row that scores 0 and leaves the episode as it is. */
  private silent(): CombinedResult {
    const r = this.out;
    r.score = r.surprise = 0;
    r.rule = 'max';
    r.alert = false;
    r.inEpisode = this.episodes.inEpisode;
    r.episode = this.episodes.episode;
    return r;
  }

  snapshot(): MultivariateCombinerState {
    return {
      v: 1,
      options: { ...this.options },
      n: this.n,
      fisher: this.fisher.snapshot(),
      cusum: this.cusum,
      sustained: this.sustained.snapshot(),
      episodes: this.episodes.snapshot(),
    };
  }

  static restore(s: MultivariateCombinerState): MultivariateCombiner {
    checkVersion(s.v, 'MultivariateCombiner');
    const c = new MultivariateCombiner(s.options);
    c.n = s.n;
    c.fisher = TailCalibrator.restore(s.fisher);
    c.cusum = s.cusum;
    c.sustained = TailCalibrator.restore(s.sustained);
    c.episodes = EpisodeGate.restore(s.episodes);
    return c;
  }
}

/**
 * −log10 P(χ²_2k > x) for x = 2·ln 10·Σ surprises: Fisher's combination of k p-values,
 * in closed form for even degrees of freedom, P = e^(−x/2) Σ_{j<k} (x/2)^j / j!.
 */
export function fisherSurprise(sum: number, k: number): number {
  const h = sum * Math.LN10;
  let term = 1;
  let series = 1;
  for (let j = 1; j < k; j++) {
    term *= h / j;
    series += term;
  }
  return Math.max(0, sum - Math.log10(series));
}
