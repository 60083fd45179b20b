/**
 * Anomaly likelihood: turns a stream of raw anomaly scores into a calibrated tail
 * probability (Ahmad, Lavin, Purdy & Agha 2017, "Unsupervised real-time anomaly
 * detection for streaming data", Neurocomputing 262, §4; NAB's anomaly_likelihood.py).
 * The recent raw scores are modelled as a Gaussian over a rolling history; the mean of
 * the last few scores is compared with it, and the upper-tail probability q says how
 * unusual the present is *for this series* — a noisy series with many moderately
 * surprising points needs a larger surprise to reach the same q than a calm one.
 * Unlike the reference code, only unusually *high* raw scores count (one-sided tail).
 *
 * O(1) per update: running sums over two rings, re-summed exactly once per history
 * length to stop rounding drift. Memory: (history + short window) doubles.
 */
import { normalTail } from './normal.ts';
import { RingBuffer, checkVersion, type RingBufferState } from './ring-buffer.ts';

export interface AnomalyLikelihoodOptions {
  /** Raw scores remembered for the Gaussian fit (NAB uses 8640, a month at 5 min). */
  historySize?: number;
  /** Raw scores averaged into the present value (NAB: 10). */
  shortWindow?: number;
  /** Scores needed before the fit is trusted; until then the tail probability is 0.5. */
  learningPeriod?: number;
  /** Floor of the fitted standard deviation (NAB floors the variance at 3e-4). */
  minStd?: number;
}

export interface AnomalyLikelihoodState {
  v: 1;
  learningPeriod: number;
  minStd: number;
  history: RingBufferState;
  recent: RingBufferState;
  sinceResum: number;
  sum: number;
  sumSq: number;
  recentSum: number;
}

export class AnomalyLikelihood {
  private readonly history: RingBuffer;
  private readonly recent: RingBuffer;
  private readonly learningPeriod: number;
  private readonly minStd: number;
  private sum = 0;
  private sumSq = 0;
  private recentSum = 0;
  private sinceResum = 0;

  constructor(o: AnomalyLikelihoodOptions = {}) {
    this.history = new RingBuffer(o.historySize ?? 2000);
    this.recent = new RingBuffer(o.shortWindow ?? 10);
    this.learningPeriod = o.learningPeriod ?? 100;
    this.minStd = o.minStd ?? Math.sqrt(3e-4);
  }

  /**
   * Adds a raw score and returns the tail probability q of the current short-window
   * mean under the history's Gaussian (small q = anomalous). The history is updated
   * after scoring, so the present never explains itself.
   */
  update(raw: number): number {
    const evictedRecent = this.recent.push(raw);
    this.recentSum += raw - (Number.isNaN(evictedRecent) ? 0 : evictedRecent);
    const q = this.tail(this.recentSum / this.recent.length);

    const evicted = this.history.push(raw);
    if (!Number.isNaN(evicted)) {
      this.sum -= evicted;
      this.sumSq -= evicted * evicted;
    }
    this.sum += raw;
    this.sumSq += raw * raw;
    if (++this.sinceResum >= this.history.capacity) this.resum();
    return q;
  }

  /** Tail probability of `x` under the current fit, without updating. */
  tail(x: number): number {
    const n = this.history.length;
    if (n < this.learningPeriod) return 0.5;
    const mean = this.sum / n;
    const variance = Math.max(0, this.sumSq / n - mean * mean);
    const std = Math.max(Math.sqrt(variance), this.minStd);
    return normalTail((x - mean) / std);
  }

  /** NAB's log scale: log(1 − L) / log(1e-10) with L = 1 − q, i.e. −log10(q)/10 in [0, 1]. */
  static logScore(q: number): number {
    return Math.min(1, Math.max(0, Math.log(q + 1e-10) / Math.log(1e-10)));
  }

  private resum(): void {
    this.sinceResum = 0;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < this.history.length; i++) {
      const x = this.history.get(i);
      s += x;
      s2 += x * x;
    }
    this.sum = s;
    this.sumSq = s2;
  }

  snapshot(): AnomalyLikelihoodState {
    return {
      v: 1,
      learningPeriod: this.learningPeriod,
      minStd: this.minStd,
      history: this.history.snapshot(),
      recent: this.recent.snapshot(),
      sinceResum: this.sinceResum,
      sum: this.sum,
      sumSq: this.sumSq,
      recentSum: this.recentSum,
    };
  }

  static restore(s: AnomalyLikelihoodState): AnomalyLikelihood {
    checkVersion(s.v, 'AnomalyLikelihood');
    const a = new AnomalyLikelihood({
      historySize: s.history.capacity,
      shortWindow: s.recent.capacity,
      learningPeriod: s.learningPeriod,
      minStd: s.minStd,
    });
    for (const x of s.history.values) a.history.push(x);
    for (const x of s.recent.values) a.recent.push(x);
    a.sinceResum = s.sinceResum;
    a.sum = s.sum;
    a.sumSq = s.sumSq;
    a.recentSum = s.recentSum;
    return a;
  }
}
