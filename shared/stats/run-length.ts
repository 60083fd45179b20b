/**
 * Is a series stuck? The run of identical values is judged against the learned
 * probability p of a repeat (a geometric tail: surprise = run · −log10 p), so naturally
 * quantised series are not flagged, and only the part of the run beyond the longest run
 * this series has recently made counts: sparse and on/off series (request counts at night,
 * a key that is up or down) repeat 0 for hundreds of points as a matter of course.
 *
 * A run that looked stuck raises that longest run to at most twice itself (plus the run
 * that reaches surprise 2), so a frozen sensor is not learned as normal at once while a
 * series whose long runs recur is soon taken as it is; the longest run decays slowly
 * (half-life ≈ 14,000 points). The repeat probability is learned only while the run does
 * not look stuck. O(1), five numbers of state.
 */
import { Ewma, type EwmaState } from './ewma.ts';
import { checkVersion } from './ring-buffer.ts';

export interface RunLengthState {
  v: 1;
  run: number;
  runMax: number;
  repeat: EwmaState;
}

/** Surprise above which a run is taken as stuck (the run is not learned from). */
export const STUCK_SURPRISE = 2;
const RUN_MAX_KEEP = 1 - 1 / 20_000;

export class RunLength {
  run = 0;
  private runMax = 0;
  private repeat = new Ewma(0.01);
  /** The last clamped repeat probability and its −log10 (it rarely leaves its floor). */
  private lastP = Number.NaN;
  private lastPerRepeat = 0;

  /**
   * Scores the point that repeats the previous value (`repeat`) or not, learns it, and
   * returns the stuck surprise. `varies`: the series has shown variation at all (a flat
   * line from the start is its own normal).
   */
  update(repeat: boolean, varies: boolean): number {
    const p = this.repeat.count > 0 ? this.repeat.mean : 0.02;
    const clamped = Math.min(0.99, Math.max(0.02, p));
    if (clamped !== this.lastP) {
      this.lastP = clamped;
      this.lastPerRepeat = -Math.log10(clamped);
    }
    const perRepeat = this.lastPerRepeat;
    if (!repeat && this.run > this.runMax) {
      this.runMax = Math.min(this.run, 2 * this.runMax + STUCK_SURPRISE / perRepeat);
    }
    this.runMax *= RUN_MAX_KEEP;
    this.run = repeat ? this.run + 1 : 0;
    const surprise = varies ? Math.max(0, this.run - Math.floor(this.runMax)) * perRepeat : 0;
    if (surprise <= STUCK_SURPRISE) this.repeat.pushWithAlpha(repeat ? 1 : 0, 0.01);
    return surprise;
  }

  /** After a gap in the data the run starts again. */
  reset(): void {
    this.run = 0;
  }

  snapshot(): RunLengthState {
    return { v: 1, run: this.run, runMax: this.runMax, repeat: this.repeat.snapshot() };
  }

  static restore(s: RunLengthState): RunLength {
    checkVersion(s.v, 'RunLength');
    const r = new RunLength();
    r.run = s.run;
    r.runMax = s.runMax;
    r.repeat = Ewma.restore(s.repeat);
    return r;
  }

  /** Takes over an older detector state's run and repeat probability. */
  static fromOld(run: number, repeat: EwmaState): RunLength {
    const r = new RunLength();
    r.run = run;
    r.repeat = Ewma.restore(repeat);
    return r;
  }
}
