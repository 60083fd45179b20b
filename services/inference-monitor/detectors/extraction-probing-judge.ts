/**
 * inference.extraction.probing's verdict on a principal × model: the binomial tails of its
 * near-duplicates and one-feature steps among the last 32 queries against its own
 * long-run rates, and its logprobs requests of the last hour against its own hourly
 * level; a finding per signal that passes, each its own episode, with every signal's
 * numbers in each one's evidence. Called only for a query that is itself part of a pattern.
 */
import type { InferenceEvent, Severity } from '../../../shared/events/types.ts';
import type { Finding } from '../../../shared/pipeline/detector.ts';
import { binomialSurprise } from '../../../shared/stats/count-tails.ts';
import { popCount32 } from '../../../shared/stats/random-projection.ts';
import { fmt, round } from '../packed.ts';
import type { ProbingConfig } from './extraction-probing-config.ts';
import { HOUR_MS, RING, type ProbeState } from './extraction-probing-state.ts';

type Signal = 'sweep' | 'logprobs' | 'near_duplicates';

const SIGNAL_TITLE: Record<Signal, string> = {
  sweep: 'One-feature sweep',
  logprobs: 'Full-probability harvesting',
  near_duplicates: 'Near-duplicate queries',
};

const SIGNAL_STATISTIC: Record<Signal, string> = {
  sweep: 'one-feature-step count among the last 32 queries, binomial tail vs own rate',
  logprobs: 'full-probability requests in the last hour vs own hourly level',
  near_duplicates: 'p-stable LSH near-duplicate count among the last 32 queries, binomial tail vs own rate',
};

/** Binomial surprise of k marked queries in the ring at rate p; at or below RING·p, none. */
function ringSurprise(k: number, p: number): number {
  return k > RING * p ? binomialSurprise(k, RING, p) : 0;
}

/**
 * The findings of the query (`dup`, `sweep`: whether it is a near-duplicate, a one-feature
 * step; `lp`: the logprobs requests of the last hour), or null.
 */
export function judgeProbe(
  cfg: ProbingConfig,
  s: ProbeState,
  event: InferenceEvent,
  lp: number,
  dup: boolean,
  sweep: boolean,
): Finding[] | null {
  const minCount = Math.ceil(cfg.min_share * RING);
  let dupSurprise = 0;
  let sweepSurprise = 0;
  let lpSurprise = 0;
  const dups = popCount32(s.dupBits);
  const sweeps = popCount32(s.sweepBits);
  if (s.n >= RING) {
    if (dup && dups >= minCount) dupSurprise = ringSurprise(dups, Math.max(cfg.rate_floor, s.dupRate));
    if (sweep && sweeps >= minCount)
      sweepSurprise = ringSurprise(sweeps, Math.max(cfg.rate_floor, s.sweepRate));
  }
  const learned = event.ts - s.first >= cfg.own_learning_hours * HOUR_MS;
  const lpLevel = learned ? s.lpLevel : 0;
  const lpBar = Math.max(cfg.min_logprobs_per_hour, cfg.logprobs_factor * lpLevel);
  if (event.logprobs_requested === true && lp >= lpBar)
    lpSurprise = Math.min(30, 6 + 10 * Math.log10(lp / lpBar + 1));
  const min = cfg.min_surprise;
  if (sweepSurprise < min && lpSurprise < min && dupSurprise < min) return null; // no array per quiet call
  const kinds: Array<[Signal, number]> = [];
  if (sweepSurprise >= cfg.min_surprise) kinds.push(['sweep', sweepSurprise]);
  if (lpSurprise >= cfg.min_surprise) kinds.push(['logprobs', lpSurprise]);
  if (dupSurprise >= cfg.min_surprise) kinds.push(['near_duplicates', dupSurprise]);
  if (kinds.length === 0) return null;

  const signals: string[] = [];
  if (dupSurprise >= cfg.min_surprise)
    signals.push(`${dups} of its last ${RING} queries were near-duplicates`);
  if (sweepSurprise >= cfg.min_surprise)
    signals.push(
      `${sweeps} of its last ${RING} queries changed one feature only (${s.sweptFeature}, ${s.sweptRun} in a row)`,
    );
  if (lpSurprise >= cfg.min_surprise)
    signals.push(`${lp} full-probability requests in the last hour (own level ${fmt(lpLevel)} an hour)`);
  const evidence = {
    window: `last ${RING} queries of the principal on the model; logprobs over the last 60 min`,
    near_duplicates: dups,
    near_duplicate_rate_own: round(s.dupRate, 4),
    one_feature_steps: sweeps,
    swept_feature: sweeps > 0 ? s.sweptFeature : null,
    one_feature_step_rate_own: round(s.sweepRate, 4),
    logprobs_last_hour: lp,
    logprobs_level_own: round(lpLevel, 3),
    model: event.model_id,
  };
  // One finding per signal, each its own episode: a probe that starts while another
  // pattern of the same principal is still alerting is a new alert, not an update.
  return kinds.map(([kind, surprise]) => {
    const score = Math.min(100, 50 + 2 * surprise + 5 * (signals.length - 1));
    const severity: Severity = score >= 85 ? 'high' : 'medium';
    return {
      entity: { type: 'principal', id: event.principal },
      severity,
      score,
      title: `${SIGNAL_TITLE[kind]}: probing of ${event.model_id} by ${event.principal}`,
      description: `${event.principal} is probing ${event.model_id}: ${signals.join('; ')}.`,
      explanation: {
        statistic: SIGNAL_STATISTIC[kind],
        observed: kind === 'sweep' ? sweeps : kind === 'near_duplicates' ? dups : lp,
        expected:
          kind === 'sweep'
            ? round(RING * Math.max(cfg.rate_floor, s.sweepRate), 3)
            : kind === 'near_duplicates'
              ? round(RING * Math.max(cfg.rate_floor, s.dupRate), 3)
              : round(lpLevel, 3),
        threshold:
          kind === 'logprobs'
            ? round(lpBar, 3)
            : `≥ ${minCount} of ${RING} and tail ≤ 1e-${cfg.min_surprise}`,
        expected_range: [0, kind === 'logprobs' ? round(lpBar, 3) : minCount - 1],
        surprise_log10: round(surprise, 2),
        ...evidence,
      },
      techniques: ['AML.T0024.002', 'AML.T0040'],
      episodeKey: `${event.model_id}|${kind}`,
    };
  });
}
