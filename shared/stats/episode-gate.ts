/**
 * The episode state machine of the univariate and multivariate detectors: a score at or
 * above `threshold` opens an episode and raises one alert; the episode closes after
 * `cooldownPoints` consecutive scores under `exitThreshold` (hysteresis). Inside an episode
 * the score is capped at `exitThreshold`, so one anomaly is one high score — except a point
 * ESCALATION times as surprising as anything before in the episode, which is news (a small
 * blip opened the episode, then the real failure came). O(1), four numbers of state.
 */

export interface EpisodeOptions {
  threshold: number;
  exitThreshold: number;
  cooldownPoints: number;
}

export interface EpisodeGateState {
  inEpisode: boolean;
  quiet: number;
  episode: number;
  peak: number;
}

/** A point this many times as surprising as the episode's peak so far carries its full score. */
const ESCALATION = 3;

export class EpisodeGate {
  inEpisode = false;
  /** Consecutive points under the exit threshold. */
  quiet = 0;
  /** Number of the current or last episode (0 = none yet). */
  episode = 0;
  /** Largest surprise of the open episode. */
  peak = 0;
  /** Whether the last step opened an episode. */
  alert = false;

  /** Steps the machine with a point's score and surprise; returns the score to report. */
  step(score: number, surprise: number, o: Readonly<EpisodeOptions>): number {
    this.alert = false;
    let escalation = false;
    if (!this.inEpisode) {
      if (score >= o.threshold) {
        this.inEpisode = true;
        this.episode++;
        this.quiet = 0;
        this.peak = surprise;
        this.alert = true;
      }
    } else {
      if (score < o.exitThreshold) {
        if (++this.quiet >= o.cooldownPoints) this.inEpisode = false;
      } else this.quiet = 0;
      escalation = score >= o.threshold && surprise > ESCALATION * this.peak;
      if (surprise > this.peak) this.peak = surprise;
    }
    return this.inEpisode && !this.alert && !escalation ? Math.min(score, o.exitThreshold) : score;
  }

  snapshot(): EpisodeGateState {
    return { inEpisode: this.inEpisode, quiet: this.quiet, episode: this.episode, peak: this.peak };
  }

  static restore(s: EpisodeGateState): EpisodeGate {
    const g = new EpisodeGate();
    g.inEpisode = s.inEpisode;
    g.quiet = s.quiet;
    g.episode = s.episode;
    g.peak = s.peak;
    return g;
  }
}

/** The score of a surprise: 0.5 at half of `surpriseAtOne`, 0.75 at it, approaching 1. */
export function scoreOf(surprise: number, surpriseAtOne: number): number {
  // Most points are unsurprising: 1 − 2^−0 is 0 without the pow (for any scale but 0 or NaN).
  if (surprise === 0 && surpriseAtOne !== 0 && !Number.isNaN(surpriseAtOne)) return 0;
  return 1 - Math.pow(2, (-2 * surprise) / surpriseAtOne);
}
