/**
 * inference.behavior's findings: the title, the one-sentence description and the
 * explanation of each kind — a rate far above its baseline, a token spike of a principal,
 * a first-seen tool or destination, a spike of a model's token or latency series — built
 * from the numbers the tests found. Called only once a test has passed.
 */
import type { InferenceEvent, Severity, ToolCall } from '../../../shared/events/types.ts';
import type { Finding } from '../../../shared/pipeline/detector.ts';
import type { UnivariateResult } from '../../../shared/stats/univariate-detector.ts';
import { fmt, round } from '../packed.ts';
import type { BehaviorConfig } from './behavior-config.ts';
import {
  P_TOOL_CALLS,
  P_TOOLS_SINCE,
  type Kind,
  type ModelBehavior,
  type PrincipalBehavior,
  type SeriesMetric,
  type TokenMetric,
} from './behavior-state.ts';

const TECHNIQUES: Record<string, readonly string[]> = {
  refused: ['AML.T0054'],
  flagged: ['AML.T0051', 'AML.T0054'],
  error: ['AML.T0029'],
  rate_limited: ['AML.T0029', 'AML.T0034'],
  tokens: ['AML.T0034'],
};

/** The hour's `hits` of `kind` among `n` requests against the baseline rate `p0`. */
export function rateFinding(
  cfg: BehaviorConfig,
  kind: Kind,
  event: InferenceEvent,
  scope: 'principal' | 'model',
  flags: readonly string[],
  hits: number,
  n: number,
  p0: number,
  surprise: number,
): Finding {
  const entity =
    scope === 'principal'
      ? { type: 'principal' as const, id: event.principal }
      : { type: 'model' as const, id: event.model_id };
  const who =
    scope === 'principal' ? `${event.principal} on ${event.model_id}` : `${event.model_id} (all callers)`;
  const label: Record<Kind, string> = {
    requests: 'requests',
    refused: 'refused requests',
    flagged: 'policy-flagged requests',
    error: 'errors',
    rate_limited: 'rate-limited requests',
  };
  const flagText = kind === 'flagged' && flags.length > 0 ? ` (${flags.join(', ')})` : '';
  const score = Math.min(100, 45 + 2.5 * surprise);
  const severity: Severity =
    kind === 'flagged' && flags.includes('prompt_injection')
      ? score >= 70
        ? 'high'
        : 'medium'
      : score >= 85
        ? 'high'
        : 'medium';
  return {
    entity,
    severity,
    score,
    title: `${capital(label[kind])} rate of ${who} far above its baseline`,
    description:
      `${who}: ${hits} ${label[kind]}${flagText} among ${n} requests in the last hour (${fmt((100 * hits) / n)} %), against a baseline ` +
      `rate of ${fmt(100 * p0)} % (${fmt(n * p0)} expected); binomial tail 10^-${surprise.toFixed(1)}.`,
    explanation: {
      statistic: `binomial tail of the hourly ${kind} count vs own long-run rate (shrunk to the model's)`,
      observed: hits,
      expected: round(n * p0, 3),
      threshold: `tail ≤ 1e-${cfg.min_surprise}, ≥ ${cfg.min_count} and ≥ ${cfg.min_ratio}× expected`,
      expected_range: [0, Math.max(cfg.min_count - 1, Math.ceil(cfg.min_ratio * n * p0))],
      window: `60 min sliding (10-min slots); baseline: long-run counts, half-life ${cfg.baseline_half_life_days} d`,
      requests: n,
      rate_observed: round(hits / n, 4),
      rate_baseline: round(p0, 5),
      surprise_log10: round(surprise, 2),
      flags: kind === 'flagged' ? [...flags] : undefined,
      model: event.model_id,
    },
    techniques:
      kind === 'flagged' && !flags.includes('prompt_injection') ? ['AML.T0054'] : (TECHNIQUES[kind] ?? []),
    episodeKey: `${kind}|${event.model_id}`,
  };
}

/** The hour's mean log tokens per request (`n` requests) against the principal's own. */
export function tokenFinding(
  cfg: BehaviorConfig,
  event: InferenceEvent,
  metric: TokenMetric,
  n: number,
  hourMean: number,
  mean: number,
  sd: number,
  z: number,
): Finding {
  const observed = Math.expm1(hourMean);
  const expected = Math.expm1(mean);
  const half = (cfg.token_z * sd) / Math.sqrt(n);
  const score = Math.min(100, 40 + 4 * z);
  const what = metric.replace('_', ' ');
  return {
    entity: { type: 'principal', id: event.principal },
    severity: score >= 85 ? 'high' : 'medium',
    score,
    title: `${capital(what)} spike by ${event.principal} on ${event.model_id}`,
    description:
      `${event.principal}'s last ${n} requests to ${event.model_id} averaged ${fmt(observed)} ${what} (geometric mean), ` +
      `against its own ${fmt(expected)} (z = ${z.toFixed(1)} over the hour, ${fmt(observed / Math.max(1, expected))}× its usual).`,
    explanation: {
      statistic: `z-test of the hour's mean log ${metric} per request vs own baseline`,
      observed: round(observed, 3),
      expected: round(expected, 3),
      threshold: `z ≥ ${cfg.token_z} and ≥ ${cfg.token_ratio}× the usual`,
      expected_range: [round(Math.expm1(mean - half), 3), round(Math.expm1(mean + half), 3)],
      window: '60 min sliding (10-min slots); baseline: exponentially weighted over ≈ 200 requests',
      requests: n,
      z: round(z, 2),
      metric,
      model: event.model_id,
    },
    techniques: TECHNIQUES['tokens'],
    episodeKey: `${metric}|${event.model_id}`,
  };
}

/** A tool, or a call's destination (`value`), that the principal has not used in 30 days. */
export function toolFinding(
  cfg: BehaviorConfig,
  p: PrincipalBehavior,
  event: InferenceEvent,
  call: ToolCall,
  what: 'tool' | 'destination',
  value: string,
  external: boolean,
  peerNew: boolean,
): Finding {
  const score = what === 'tool' ? 60 : external ? (peerNew ? 95 : 85) : peerNew ? 65 : 55;
  const severity: Severity = score >= 90 ? 'critical' : score >= 80 ? 'high' : 'medium';
  return {
    entity: { type: 'principal', id: event.principal },
    severity,
    score,
    title:
      what === 'tool'
        ? `First-seen tool ${value} for ${event.principal}`
        : `First-seen ${external ? 'external ' : ''}destination for ${event.principal}: ${value}`,
    description:
      `${event.principal} called ${call.tool}${call.destination === undefined ? '' : ` → ${call.destination}`} through ${event.model_id}; ` +
      `this ${what} is new for it after ${(p.f[P_TOOL_CALLS] as number) - 1} tool calls since ${new Date(p.f[P_TOOLS_SINCE] as number).toISOString()}` +
      (what === 'destination'
        ? `, ${external ? 'outside the internal domains' : 'internal'}${peerNew ? ', and no principal on the model used it before' : ''}.`
        : '.'),
    explanation: {
      statistic: `first-seen ${what} after learning`,
      observed: value,
      expected: `one of ${Object.keys(p.known).filter((x) => x.startsWith(what === 'tool' ? 't:' : 'd:')).length - 1} known ${what}s`,
      threshold: 'never seen in the last 30 days',
      window: `known ${what}s of the principal (30 d), learned from ${cfg.tool_learning_calls} calls and ${cfg.tool_learning_hours} h`,
      tool: call.tool,
      destination: call.destination ?? null,
      external,
      new_to_model_peers: peerNew,
      model: event.model_id,
    },
    techniques: external ? ['AML.T0086', 'AML.T0051'] : ['AML.T0051'],
    episodeKey: what,
  };
}

/** A spike of a model's series over the bucket just closed (`n` requests), with its attribution. */
export function seriesFinding(
  cfg: BehaviorConfig,
  m: ModelBehavior,
  event: InferenceEvent,
  metric: SeriesMetric,
  r: UnivariateResult,
  n: number,
): Finding {
  // Attribution: one principal behind most of a token spike is the entity.
  let top = '';
  let topTokens = 0;
  let allTokens = 0;
  for (const [who, tokens] of Object.entries(m.outBy)) {
    allTokens += tokens;
    if (tokens > topTokens) {
      top = who;
      topTokens = tokens;
    }
  }
  const share = allTokens > 0 ? topTokens / allTokens : 0;
  const attributed = metric !== 'latency_ms' && top !== '(others)' && share >= 0.5;
  // Series are means of log(1 + x): report them back as geometric means.
  const observed = Math.expm1(r.observed);
  const expected = Math.expm1(r.expected);
  const lo = Math.max(0, Math.expm1(r.lower));
  const hi = Math.expm1(r.upper);
  const what = `${metric === 'latency_ms' ? 'latency' : metric.replace('_', ' ')} (geometric mean per request)`;
  const score = Math.round(r.score * 100);
  return {
    entity: attributed ? { type: 'principal', id: top } : { type: 'model', id: event.model_id },
    severity: r.score >= 0.95 ? 'high' : 'medium',
    score,
    title: `${capital(what)} of ${event.model_id}: ${r.statistic}${attributed ? ` (from ${top})` : ''}`,
    description:
      `${capital(what)} of ${event.model_id} was ${fmt(observed)} over ${n} requests in the ${cfg.bucket_minutes}-minute bucket from ` +
      `${new Date(m.bucketStart).toISOString()}, against an expected ${fmt(expected)} (range ${fmt(lo)}–${fmt(hi)}); ` +
      `${r.statistic} surprise ${r.surprise.toFixed(1)}` +
      (attributed ? `; ${Math.round(share * 100)} % of the bucket's output tokens came from ${top}.` : '.'),
    explanation: {
      statistic: `univariate.${r.statistic} of ${metric} per ${cfg.bucket_minutes}-min bucket`,
      observed: round(observed, 3),
      expected: round(expected, 3),
      expected_range: [round(lo, 3), round(hi, 3)],
      threshold: cfg.series_threshold,
      window: `${cfg.bucket_minutes}-min buckets of ≥ ${cfg.bucket_min_requests} requests; daily profile and smoothed level learned over ${cfg.series_probation_points} buckets`,
      metric,
      requests: n,
      top_principal: top === '' ? null : top,
      top_principal_token_share: round(share, 3),
      model: event.model_id,
    },
    techniques: metric === 'latency_ms' ? [] : TECHNIQUES['tokens'],
    episodeKey: metric,
  };
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
