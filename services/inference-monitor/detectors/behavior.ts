/**
 * inference.behavior — abuse and misbehaviour of principals and models: refusal and
 * policy-flag rates above their own baseline, bursts of errors and rate limits, spikes of
 * tokens and latency, and, for agents, tools and destinations never seen before.
 *
 * Statistics:
 *  - rates (per principal × model, and per model): the last hour's count k of refusals
 *    (`status: refused`), policy-flagged requests (`policy_flags` non-empty), errors and
 *    `rate_limited` among n requests against a baseline rate p₀ — the principal's own
 *    long-run rate (counts with a 7-day half-life) shrunk towards the model's rate with a
 *    weight of `prior_requests` requests, so a newcomer is judged against the model and a
 *    principal that always hits guardrails against itself — by the binomial tail
 *    P(X ≥ k | n, p₀) ≤ 10^−`min_surprise`, with k ≥ `min_count` and k ≥ `min_ratio` × n·p₀.
 *    Per model the same test finds model-wide error and rate-limit bursts (an outage).
 *  - tokens (per principal × model): the last hour's mean log(1 + tokens) per request,
 *    output and input, against the principal's own exponentially weighted mean and
 *    spread (≈ 200 requests) by a z-test (z ≥ `token_z`, and at least `token_ratio` × the
 *    usual geometric mean) — a run of long prompts or answers, not one;
 *  - latency and output tokens (per model): every `bucket_minutes` (once it holds
 *    `bucket_min_requests`) the geometric means per request (means of log values: one
 *    long answer does not make a bucket look like a spike) feed the univariate detector of `vigil score` (shared/stats; daily
 *    profile, spike, shift and drift components, calibrated to the series' own tail). A
 *    spike is attributed to the principal that sent most of the bucket's tokens when it
 *    sent at least half of them, else to the model.
 *  - tools (principals whose requests carry `tool_calls`): each tool and each destination
 *    is remembered per principal (30 days); after `tool_learning_hours` and
 *    `tool_learning_calls`, a first-seen one raises a finding — higher when the
 *    destination is external (not under `internal_domains`, not a private address, not a
 *    bare resource path) and higher again when no agent on the model has used it.
 * Each kind of finding has its own episode on the entity.
 *
 * State: store `principals` (key principal × model): six 10-minute slots of five counts,
 * five long-run counts, the token baselines and slots (one 568-byte buffer) and up to
 * `max_known_tools` tools and destinations — ≈ 0.8 kB of changelog JSON, ≈ 1.1 kB for an
 * agent with a few tools; store `models` (key model): the same
 * counts, the open bucket and the destinations seen on the model; store `series` (key
 * model|metric): one univariate detector per series (≈ 5 kB). Cost per event: O(1) plus a
 * binomial tail when a counted event arrives.
 */
import type { InferenceEvent } from '../../../shared/events/types.ts';
import {
  defineDetector,
  type Detector,
  type DetectorContext,
  type Finding,
} from '../../../shared/pipeline/detector.ts';
import type { DetectorState, KeyedState, StateCodec } from '../../../shared/pipeline/keyed-state.ts';
import { UnivariateDetector, type UnivariateOptions } from '../../../shared/stats/univariate-detector.ts';
import type { UnivariateState } from '../../../shared/stats/univariate-state.ts';
import { principalModelKey } from '../entity-keys.ts';
import { propertyName } from '../property-keys.ts';
import { BEHAVIOR_CONFIG, type BehaviorConfig } from './behavior-config.ts';
import { seriesFinding } from './behavior-finding.ts';
import { countInHour, hourCount, initCounts, kindsOf, learnLongRun, rateTest } from './behavior-rates.ts';
import {
  COUNTS_SIZE,
  K,
  KINDS,
  modelCodec,
  own,
  P_FIRST,
  principalCodec,
  principalState,
  type Kind,
  type ModelBehavior,
  type PrincipalBehavior,
  type SeriesMetric,
} from './behavior-state.ts';
import { tokenTest } from './behavior-tokens.ts';
import { isExternalDestination, toolFindings } from './behavior-tools.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * The univariate components that mean a spike or a jump; slow drift, variance and stuck
 * values of a per-model average are capacity questions, not abuse, and stay quiet here.
 */
const SPIKES: ReadonlySet<string> = new Set(['spike', 'seasonal', 'shift']);

class BehaviorDetector implements Detector<InferenceEvent> {
  private readonly principals: KeyedState<PrincipalBehavior>;
  private readonly models: KeyedState<ModelBehavior>;
  private readonly series: KeyedState<UnivariateDetector>;
  private readonly newSeries: () => UnivariateDetector;
  private readonly decayPerMs: number;
  private readonly internal: readonly string[];

  constructor(
    private readonly config: BehaviorConfig,
    state: DetectorState,
  ) {
    const options: Partial<UnivariateOptions> = {
      threshold: config.series_threshold,
      probationPoints: config.series_probation_points,
      seasonPeriodMs: DAY_MS,
      seasonBins: 24,
    };
    const codec: StateCodec<UnivariateDetector> = {
      encode: (d) => d.snapshot(),
      decode: (json) => {
        const s = json as UnivariateState;
        return UnivariateDetector.restore({ ...s, options: { ...s.options, ...options } });
      },
    };
    this.principals = state.keyed('principals', { codec: principalCodec });
    this.models = state.keyed('models', { pinned: true, codec: modelCodec });
    this.series = state.keyed('series', { codec });
    this.newSeries = () => new UnivariateDetector(options);
    this.decayPerMs = Math.LN2 / (config.baseline_half_life_days * DAY_MS);
    this.internal = config.internal_domains.map((d) => d.toLowerCase().replace(/^\./, ''));
  }

  update(event: InferenceEvent, ctx: DetectorContext): Finding | null {
    const t = event.ts;
    const kinds = kindsOf(event);
    const m = this.model(event);
    const key = principalModelKey(event.principal, event.model_id);
    let p = this.principals.get(key);
    if (p === undefined) {
      p = principalState();
      p.f[P_FIRST] = t;
      initCounts(p.counts, t);
      this.principals.put(key, p);
    }
    let findings: Finding[] | null = null;
    // Principal and model rates: test, then learn.
    countInHour(p.counts, t, kinds);
    countInHour(m.counts, t, kinds);
    if (event.policy_flags !== undefined && event.policy_flags.length > 0) {
      for (const f of event.policy_flags) if (!p.flags.includes(f) && p.flags.length < 8) p.flags.push(f);
    }
    for (let k = 1; k < K; k++) {
      if ((kinds & (1 << k)) === 0) continue;
      const kind = KINDS[k] as Kind;
      const f = rateTest(this.config, p.counts, m.counts, kind, k, event, 'principal', p.flags);
      if (f !== null) (findings ??= []).push(f);
      if (kind === 'error' || kind === 'rate_limited') {
        const g = rateTest(this.config, m.counts, null, kind, k, event, 'model', []);
        if (g !== null) (findings ??= []).push(g);
      }
    }
    learnLongRun(p.counts, t, kinds, this.decayPerMs);
    learnLongRun(m.counts, t, kinds, this.decayPerMs);
    if (p.flags.length > 0 && hourCount(p.counts, 2) === 0) p.flags = [];

    // Token usage of the principal in the last hour against its own baseline.
    const tokens = tokenTest(this.config, p, event);
    if (tokens !== null) (findings ??= []).push(tokens);

    // Tools and destinations.
    if (event.tool_calls !== undefined && event.tool_calls.length > 0) {
      const found = toolFindings(this.config, this.internal, p, m, event);
      if (found !== null) (findings ??= []).push(...found);
    }

    // Token and latency series, per model.
    const spikes = this.bucket(m, event);
    if (spikes !== null && spikes.length > 0) (findings ??= []).push(...spikes);

    if (findings === null || findings.length === 0) return null;
    findings.sort((a, b) => b.score - a.score);
    for (let i = 1; i < findings.length; i++) ctx.emit(findings[i] as Finding);
    return findings[0] as Finding;
  }

  private model(event: InferenceEvent): ModelBehavior {
    let m = this.models.get(event.model_id);
    if (m === undefined) {
      m = {
        v: 1,
        counts: initCounts(new Float64Array(COUNTS_SIZE), event.ts),
        bucketStart: event.ts,
        bucketN: 0,
        outSum: 0,
        outN: 0,
        latSum: 0,
        outBy: {},
        outByN: 0,
        destinations: {},
      };
      this.models.put(event.model_id, m);
    }
    return m;
  }

  /** External: a host not under an internal domain and not a private address; bare resource paths are internal. */
  isExternal(destination: string): boolean {
    return isExternalDestination(destination, this.internal);
  }

  /** Adds the event to the model's open bucket; findings when the bucket closed with a spike. */
  private bucket(m: ModelBehavior, event: InferenceEvent): Finding[] | null {
    const cfg = this.config;
    let out: Finding[] | null = null;
    if (event.ts - m.bucketStart >= cfg.bucket_minutes * MINUTE_MS && m.bucketN >= cfg.bucket_min_requests) {
      out = this.closeBucket(m, event);
      m.bucketStart = event.ts;
      m.bucketN = 0;
      m.outSum = m.outN = m.latSum = 0;
      m.outBy = {};
      m.outByN = 0;
    } else if (
      event.ts - m.bucketStart >= 8 * cfg.bucket_minutes * MINUTE_MS &&
      m.bucketN < cfg.bucket_min_requests
    ) {
      // A quiet bucket too small to judge: start afresh rather than span the night.
      m.bucketStart = event.ts;
      m.bucketN = 0;
      m.outSum = m.outN = m.latSum = 0;
      m.outBy = {};
      m.outByN = 0;
    }
    m.bucketN++;
    m.latSum += Math.log1p(Math.max(0, event.latency_ms));
    if (event.output_tokens !== undefined) {
      m.outSum += Math.log1p(event.output_tokens);
      m.outN++;
      const principal = propertyName(event.principal);
      const seen = own(m.outBy, principal);
      const who = seen !== undefined || m.outByN < 16 ? principal : '(others)';
      if (seen === undefined && who === principal) m.outByN++;
      m.outBy[who] = (own(m.outBy, who) ?? 0) + event.output_tokens;
    }
    return out;
  }

  private closeBucket(m: ModelBehavior, event: InferenceEvent): Finding[] {
    const out: Finding[] = [];
    const t = m.bucketStart + (event.ts - m.bucketStart) / 2;
    const points: Array<[SeriesMetric, number, number]> = [['latency_ms', m.latSum / m.bucketN, m.bucketN]];
    if (m.outN >= this.config.bucket_min_requests) points.push(['output_tokens', m.outSum / m.outN, m.outN]);
    for (const [metric, value, n] of points) {
      const s = this.series.getOrCreate(`${event.model_id}|${metric}`, this.newSeries);
      const r = s.update(t, value);
      // Spikes upwards only: more tokens or slower answers is the abuse (or the outage).
      if (r.alert && r.observed > r.expected && SPIKES.has(r.statistic))
        out.push(seriesFinding(this.config, m, event, metric, r, n));
    }
    return out;
  }
}

export const behavior = defineDetector({
  id: 'inference.behavior',
  eventType: 'inference',
  category: 'abuse',
  description:
    'Refusal and policy-flag rates above their baseline, error and rate-limit bursts, token and latency spikes, first-seen tools and destinations of agents.',
  config: BEHAVIOR_CONFIG,
  create: (config, state) => new BehaviorDetector(config, state),
});
