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
import { z } from 'zod';
import type { InferenceEvent, Severity } from '../../../shared/events/types.ts';
import {
  defineDetector,
  type Detector,
  type DetectorContext,
  type Finding,
} from '../../../shared/pipeline/detector.ts';
import type { DetectorState, KeyedState, StateCodec } from '../../../shared/pipeline/keyed-state.ts';
import { binomialSurprise } from '../../../shared/stats/count-tails.ts';
import {
  UnivariateDetector,
  type UnivariateOptions,
  type UnivariateResult,
} from '../../../shared/stats/univariate-detector.ts';
import type { UnivariateState } from '../../../shared/stats/univariate-state.ts';
import { principalModelKey } from '../entity-keys.ts';
import { fmt, packBuffer, round, unpackBuffer } from '../packed.ts';
import { propertyName, toolId } from '../property-keys.ts';

interface BehaviorConfig {
  token_z: number;
  token_ratio: number;
  min_surprise: number;
  min_count: number;
  min_ratio: number;
  prior_requests: number;
  baseline_half_life_days: number;
  bucket_minutes: number;
  bucket_min_requests: number;
  series_threshold: number;
  series_probation_points: number;
  tool_learning_hours: number;
  tool_learning_calls: number;
  max_known_tools: number;
  internal_domains: string[];
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const SLOT_MS = 10 * MINUTE_MS;
const SLOTS = 6;
const TOOL_TTL_MS = 30 * DAY_MS;
/** Kinds counted: index into the count arrays (0 = all requests). */
const KINDS = ['requests', 'refused', 'flagged', 'error', 'rate_limited'] as const;
type Kind = (typeof KINDS)[number];
const K = KINDS.length;

/**
 * Counts, as a float64 array: the newest 10-minute slot, when the long-run counts were
 * last decayed, the decayed long-run counts (K) and the last hour's slots (SLOTS × K,
 * slot-major).
 */
type Counts = Float64Array;
const C_SLOT = 0;
const C_LONG_AT = 1;
const C_LONG = 2;
const C_RECENT = C_LONG + K;
const COUNTS_SIZE = C_RECENT + SLOTS * K;

/** Numeric part of a principal × model: FIRST, TOOLS_SINCE, TOOL_CALLS, then the counts. */
const P_FIRST = 0;
const P_TOOLS_SINCE = 1;
const P_TOOL_CALLS = 2;
const P_COUNTS = 3;
/**
 * Token usage of the principal: per metric (output, input) the learned requests, mean and
 * variance of log(1 + tokens); the newest 10-minute slot; per slot and metric the sum of
 * log(1 + tokens) and the requests carrying it.
 */
const P_TOKENS = P_COUNTS + COUNTS_SIZE;
const T_SLOT = P_TOKENS;
const T_BASE = T_SLOT + 1; // + metric * 3: n, mean, var
const T_SLOTS = T_BASE + 6; // + slot * 4 + metric * 2: sum, n
const P_SIZE = T_SLOTS + SLOTS * 4;
const TOKEN_METRICS = ['output_tokens', 'input_tokens'] as const;
/** Weight of the newest request in a principal's token baseline (≈ 200 requests). */
const TOKEN_ALPHA = 0.005;
/** Requests a token baseline needs, and a last hour needs, before the hour is judged. */
const TOKEN_MIN_LEARNED = 50;
const TOKEN_MIN_HOUR = 10;

interface PrincipalBehavior {
  f: Float64Array;
  counts: Counts;
  /** Flags seen in the last hour (for the description). */
  flags: string[];
  /** Known tools (`t:`) and destinations (`d:`) → last seen. */
  known: Record<string, number>;
}

interface PrincipalJson {
  v: 1;
  b: string;
  flags?: string[];
  known?: Record<string, number>;
}

/** The changelog JSON of a principal: its numbers as base64, flags and tools when it has any. */
function principalText(p: PrincipalBehavior): string {
  let text = `{"v":1,"b":"${packBuffer(p.f.buffer as ArrayBuffer)}"`;
  if (p.flags.length > 0) text += `,"flags":${JSON.stringify(p.flags)}`;
  for (const _ in p.known) {
    text += `,"known":${JSON.stringify(p.known)}`;
    break;
  }
  return `${text}}`;
}

function principalState(f = new Float64Array(P_SIZE)): PrincipalBehavior {
  return { f, counts: f.subarray(P_COUNTS), flags: [], known: {} };
}

interface ModelBehavior {
  v: 1;
  counts: Counts;
  /** Open bucket of the token and latency series. */
  bucketStart: number;
  bucketN: number;
  outSum: number;
  outN: number;
  latSum: number;
  /** Output tokens per principal in the bucket (at most 16 principals, then "(others)"). */
  outBy: Record<string, number>;
  /** Principals in `outBy`. */
  outByN: number;
  /** Destinations any principal used on this model → last seen. */
  destinations: Record<string, number>;
}

type Metric = 'output_tokens' | 'latency_ms';

/**
 * The univariate components that mean a spike or a jump; slow drift, variance and stuck
 * values of a per-model average are capacity questions, not abuse, and stay quiet here.
 */
const SPIKES: ReadonlySet<string> = new Set(['spike', 'seasonal', 'shift']);

const TECHNIQUES: Record<string, readonly string[]> = {
  refused: ['AML.T0054'],
  flagged: ['AML.T0051', 'AML.T0054'],
  error: ['AML.T0029'],
  rate_limited: ['AML.T0029', 'AML.T0034'],
  tokens: ['AML.T0034'],
};

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
    const principalCodec: StateCodec<PrincipalBehavior> = {
      encodeText: principalText,
      encode: (p) => JSON.parse(principalText(p)) as PrincipalJson,
      decode: (json) => {
        const j = json as PrincipalJson;
        if (j.v !== 1) throw new TypeError(`behavior state version ${String(j.v)}`);
        const p = principalState(new Float64Array(unpackBuffer(j.b, P_SIZE * 8)));
        p.flags = j.flags ?? [];
        p.known = j.known ?? {};
        return p;
      },
    };
    const modelCodec: StateCodec<ModelBehavior> = {
      encode: (m) => ({ ...m, counts: Array.from(m.counts) }),
      decode: (json) => {
        const j = json as Omit<ModelBehavior, 'counts'> & { counts: number[] };
        if (j.v !== 1) throw new TypeError(`behavior model state version ${String(j.v)}`);
        return { ...j, counts: Float64Array.from(j.counts) };
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
    this.count(p.counts, t, kinds);
    this.count(m.counts, t, kinds);
    if (event.policy_flags !== undefined && event.policy_flags.length > 0) {
      for (const f of event.policy_flags) if (!p.flags.includes(f) && p.flags.length < 8) p.flags.push(f);
    }
    for (let k = 1; k < K; k++) {
      if ((kinds & (1 << k)) === 0) continue;
      const kind = KINDS[k] as Kind;
      const f = this.rateTest(p.counts, m.counts, kind, k, event, 'principal', p.flags);
      if (f !== null) (findings ??= []).push(f);
      if (kind === 'error' || kind === 'rate_limited') {
        const g = this.rateTest(m.counts, null, kind, k, event, 'model', []);
        if (g !== null) (findings ??= []).push(g);
      }
    }
    this.learn(p.counts, t, kinds);
    this.learn(m.counts, t, kinds);
    if (p.flags.length > 0 && this.recent(p.counts, 2) === 0) p.flags = [];

    // Token usage of the principal in the last hour against its own baseline.
    const tokens = this.tokenTest(p, event);
    if (tokens !== null) (findings ??= []).push(tokens);

    // Tools and destinations.
    if (event.tool_calls !== undefined && event.tool_calls.length > 0) {
      const found = this.tools(p, m, event);
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

  /** Adds the event to the last hour's slots. */
  private count(c: Counts, t: number, kinds: number): void {
    const slot = Math.floor(t / SLOT_MS);
    const last = c[C_SLOT] as number;
    if (slot > last) {
      for (let s = last + 1; s <= Math.min(slot, last + SLOTS); s++) {
        const base = C_RECENT + (s % SLOTS) * K;
        for (let k = 0; k < K; k++) c[base + k] = 0;
      }
      c[C_SLOT] = slot;
    }
    if (slot <= (c[C_SLOT] as number) - SLOTS) return; // older than the hour: long-run counts only
    const base = C_RECENT + (((slot % SLOTS) + SLOTS) % SLOTS) * K;
    for (let k = 0; k < K; k++) if ((kinds & (1 << k)) !== 0) c[base + k] = (c[base + k] as number) + 1;
  }

  /** Decays the long-run counts to `t` and adds the event. */
  private learn(c: Counts, t: number, kinds: number): void {
    const at = c[C_LONG_AT] as number;
    if (t > at) {
      const f = Math.exp(-(t - at) * this.decayPerMs);
      for (let k = 0; k < K; k++) c[C_LONG + k] = (c[C_LONG + k] as number) * f;
      c[C_LONG_AT] = t;
    }
    for (let k = 0; k < K; k++) if ((kinds & (1 << k)) !== 0) c[C_LONG + k] = (c[C_LONG + k] as number) + 1;
  }

  private recent(c: Counts, k: number): number {
    let s = 0;
    for (let i = 0; i < SLOTS; i++) s += c[C_RECENT + i * K + k] as number;
    return s;
  }

  private rateTest(
    c: Counts,
    prior: Counts | null,
    kind: Kind,
    k: number,
    event: InferenceEvent,
    scope: 'principal' | 'model',
    flags: readonly string[],
  ): Finding | null {
    const cfg = this.config;
    const hits = this.recent(c, k);
    if (hits < cfg.min_count) return null;
    const n = this.recent(c, 0);
    // Baseline rate: own long-run counts, shrunk towards the model's rate.
    const ownN = c[C_LONG] as number;
    const ownK = c[C_LONG + k] as number;
    const modelRate =
      prior !== null && (prior[C_LONG] as number) > 0
        ? (prior[C_LONG + k] as number) / (prior[C_LONG] as number)
        : ownN > 0
          ? ownK / ownN
          : 0;
    const a = prior !== null ? cfg.prior_requests : 0;
    const p0 = Math.min(0.999, Math.max(1e-4, (ownK + a * modelRate) / Math.max(1, ownN + a)));
    if (hits < cfg.min_ratio * n * p0) return null;
    // A count at or below its expectation is no surprise (not the tail's few tenths of a decade).
    const surprise = hits > n * p0 ? binomialSurprise(hits, n, p0) : 0;
    if (surprise < cfg.min_surprise) return null;
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

  /**
   * z-test of the last hour's mean log(1 + tokens) per request against the principal's
   * own learned mean and spread (log-normal usage: one long answer is not a spike, a run
   * of them is); learns the request afterwards. Output and input tokens alike.
   */
  private tokenTest(p: PrincipalBehavior, event: InferenceEvent): Finding | null {
    const f = p.f;
    const slot = Math.floor(event.ts / SLOT_MS);
    const last = f[T_SLOT] as number;
    if (slot > last) {
      for (let s = last + 1; s <= Math.min(slot, last + SLOTS); s++) {
        const base = T_SLOTS + (s % SLOTS) * 4;
        for (let k = 0; k < 4; k++) f[base + k] = 0;
      }
      f[T_SLOT] = slot;
    }
    const inHour = slot > (f[T_SLOT] as number) - SLOTS;
    let best: Finding | null = null;
    for (let m = 0; m < TOKEN_METRICS.length; m++) {
      const metric = TOKEN_METRICS[m] as (typeof TOKEN_METRICS)[number];
      const x = m === 0 ? event.output_tokens : event.input_tokens;
      if (x === undefined) continue;
      const y = Math.log1p(x);
      if (inHour) {
        const at = T_SLOTS + (((slot % SLOTS) + SLOTS) % SLOTS) * 4 + m * 2;
        f[at] = (f[at] as number) + y;
        f[at + 1] = (f[at + 1] as number) + 1;
      }
      const b = T_BASE + m * 3;
      const learned = f[b] as number;
      const mean = f[b + 1] as number;
      const variance = f[b + 2] as number;
      if (learned >= TOKEN_MIN_LEARNED && variance > 0) {
        let sum = 0;
        let n = 0;
        for (let s = 0; s < SLOTS; s++) {
          sum += f[T_SLOTS + s * 4 + m * 2] as number;
          n += f[T_SLOTS + s * 4 + m * 2 + 1] as number;
        }
        if (n >= TOKEN_MIN_HOUR) {
          const sd = Math.sqrt(variance);
          const z = (sum / n - mean) / (sd / Math.sqrt(n));
          // The ratio (an exp) only once z passes, which it seldom does.
          if (z >= this.config.token_z && Math.exp(sum / n - mean) >= this.config.token_ratio) {
            const found = this.tokenFinding(event, metric, n, sum / n, mean, sd, z);
            if (best === null || found.score > best.score) best = found;
          }
        }
      }
      // Learn (after the test): exponentially weighted mean and variance of log tokens.
      const a = Math.max(TOKEN_ALPHA, 1 / (learned + 1));
      const d = y - mean;
      f[b] = learned + 1;
      f[b + 1] = mean + a * d;
      f[b + 2] = (1 - a) * (variance + a * d * d);
    }
    return best;
  }

  private tokenFinding(
    event: InferenceEvent,
    metric: (typeof TOKEN_METRICS)[number],
    n: number,
    hourMean: number,
    mean: number,
    sd: number,
    z: number,
  ): Finding {
    const observed = Math.expm1(hourMean);
    const expected = Math.expm1(mean);
    const half = (this.config.token_z * sd) / Math.sqrt(n);
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
        threshold: `z ≥ ${this.config.token_z} and ≥ ${this.config.token_ratio}× the usual`,
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

  /** Findings on first-seen tools and destinations, or null (no array for a quiet call). */
  private tools(p: PrincipalBehavior, m: ModelBehavior, event: InferenceEvent): Finding[] | null {
    const cfg = this.config;
    const t = event.ts;
    if (p.f[P_TOOL_CALLS] === 0) p.f[P_TOOLS_SINCE] = t;
    const learning =
      t - (p.f[P_TOOLS_SINCE] as number) < cfg.tool_learning_hours * HOUR_MS ||
      (p.f[P_TOOL_CALLS] as number) < cfg.tool_learning_calls;
    let out: Finding[] | null = null;
    for (const call of event.tool_calls ?? []) {
      p.f[P_TOOL_CALLS] = (p.f[P_TOOL_CALLS] as number) + 1;
      // The tool, then its destination if any (no array per call).
      for (let item = 0; item < (call.destination === undefined ? 1 : 2); item++) {
        const what = item === 0 ? 'tool' : 'destination';
        const value = item === 0 ? call.tool : (call.destination as string);
        const id = toolId(what, value);
        const seen = own(p.known, id);
        const fresh = seen === undefined || t - seen > TOOL_TTL_MS;
        remember(p.known, id, t, cfg.max_known_tools);
        let peerNew = false;
        if (what === 'destination') {
          const name = propertyName(value);
          const d = own(m.destinations, name);
          peerNew = d === undefined || t - d > TOOL_TTL_MS;
          remember(m.destinations, name, t, 256);
        }
        if (!fresh || learning) continue;
        const external = what === 'destination' && this.isExternal(value);
        const score = what === 'tool' ? 60 : external ? (peerNew ? 95 : 85) : peerNew ? 65 : 55;
        const severity: Severity = score >= 90 ? 'critical' : score >= 80 ? 'high' : 'medium';
        (out ??= []).push({
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
        });
      }
    }
    return out;
  }

  /** External: a host not under an internal domain and not a private address; bare resource paths are internal. */
  isExternal(destination: string): boolean {
    const d = destination.trim().toLowerCase();
    let host: string;
    const scheme = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/.exec(d);
    if (scheme !== null) host = (scheme[1] ?? '').replace(/^[^@]*@/, '');
    else {
      const first = d.split(/[/?#]/)[0] ?? '';
      if (!first.includes('.') && !first.includes(':')) return false; // a resource path or bare name
      host = first;
    }
    host = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    if (host === '' || host === 'localhost') return false;
    if (isPrivateAddress(host)) return false;
    const labels = host.split('.');
    for (const dom of this.internal) {
      if (host === dom || host.endsWith(`.${dom}`)) return false;
      if (!dom.includes('.') && labels.includes(dom)) return false;
    }
    return true;
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
    const points: Array<[Metric, number, number]> = [['latency_ms', m.latSum / m.bucketN, m.bucketN]];
    if (m.outN >= this.config.bucket_min_requests) points.push(['output_tokens', m.outSum / m.outN, m.outN]);
    for (const [metric, value, n] of points) {
      const s = this.series.getOrCreate(`${event.model_id}|${metric}`, this.newSeries);
      const r = s.update(t, value);
      // Spikes upwards only: more tokens or slower answers is the abuse (or the outage).
      if (r.alert && r.observed > r.expected && SPIKES.has(r.statistic))
        out.push(this.seriesFinding(m, event, metric, r, n));
    }
    return out;
  }

  private seriesFinding(
    m: ModelBehavior,
    event: InferenceEvent,
    metric: Metric,
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
        `${capital(what)} of ${event.model_id} was ${fmt(observed)} over ${n} requests in the ${this.config.bucket_minutes}-minute bucket from ` +
        `${new Date(m.bucketStart).toISOString()}, against an expected ${fmt(expected)} (range ${fmt(lo)}–${fmt(hi)}); ` +
        `${r.statistic} surprise ${r.surprise.toFixed(1)}` +
        (attributed ? `; ${Math.round(share * 100)} % of the bucket's output tokens came from ${top}.` : '.'),
      explanation: {
        statistic: `univariate.${r.statistic} of ${metric} per ${this.config.bucket_minutes}-min bucket`,
        observed: round(observed, 3),
        expected: round(expected, 3),
        expected_range: [round(lo, 3), round(hi, 3)],
        threshold: this.config.series_threshold,
        window: `${this.config.bucket_minutes}-min buckets of ≥ ${this.config.bucket_min_requests} requests; daily profile and smoothed level learned over ${this.config.series_probation_points} buckets`,
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
}

/** Bit k set when the event counts as KINDS[k] (bit 0: every request). */
function kindsOf(e: InferenceEvent): number {
  let bits = 1;
  if (e.status === 'refused') bits |= 1 << 1;
  if (e.policy_flags !== undefined && e.policy_flags.length > 0) bits |= 1 << 2;
  if (e.status === 'error') bits |= 1 << 3;
  if (e.status === 'rate_limited') bits |= 1 << 4;
  return bits;
}

function initCounts(c: Counts, t: number): Counts {
  c[C_SLOT] = Math.floor(t / SLOT_MS);
  c[C_LONG_AT] = t;
  return c;
}

/**
 * `record[key]` if the record itself holds it. Keys are names from events (a principal, a
 * destination): one called `constructor` or `toString` must not read Object.prototype's.
 */
function own(record: Record<string, number>, key: string): number | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Records `key` at `t`, forgetting the stalest entry beyond `capacity`. */
function remember(known: Record<string, number>, key: string, t: number, capacity: number): void {
  const prev = own(known, key);
  if (prev !== undefined) {
    if (t > prev) known[key] = t;
    return;
  }
  known[key] = t;
  let n = 0;
  let stalest: string | undefined;
  for (const k in known) {
    n++;
    if (stalest === undefined || (known[k] as number) < (known[stalest] as number)) stalest = k;
  }
  if (n > capacity && stalest !== undefined) delete known[stalest];
}

function isPrivateAddress(host: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (v4 !== null) {
    const a = Number(v4[1]);
    const b = Number(v4[2]);
    return (
      a === 10 ||
      a === 127 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254)
    );
  }
  return host === '::1' || /^f[cd][0-9a-f]{2}:/.test(host) || /^fe80:/.test(host);
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export const behavior = defineDetector({
  id: 'inference.behavior',
  eventType: 'inference',
  category: 'abuse',
  description:
    'Refusal and policy-flag rates above their baseline, error and rate-limit bursts, token and latency spikes, first-seen tools and destinations of agents.',
  config: {
    min_surprise: z
      .number()
      .min(0)
      .default(7)
      .describe('−log10 of the binomial tail a rate finding needs (7: one in ten million per test).'),
    min_count: z
      .number()
      .int()
      .min(1)
      .default(5)
      .describe('Fewest counted events in the last hour for a rate finding.'),
    min_ratio: z
      .number()
      .min(1)
      .default(3)
      .describe('The hour’s count must also be at least this multiple of the expected count.'),
    prior_requests: z
      .number()
      .min(0)
      .default(50)
      .describe(
        'Weight (in requests) of the model’s rate in a principal’s baseline: a newcomer is judged against the model.',
      ),
    baseline_half_life_days: z
      .number()
      .gt(0)
      .default(7)
      .describe('Half-life of the long-run counts behind the baselines.'),
    token_z: z
      .number()
      .gt(0)
      .default(6)
      .describe(
        'z of the last hour’s mean log tokens per request above the principal’s own, for a token spike.',
      ),
    token_ratio: z
      .number()
      .gt(1)
      .default(2)
      .describe('… and the hour’s geometric mean must be at least this multiple of the usual.'),
    bucket_minutes: z
      .number()
      .gt(0)
      .default(30)
      .describe(
        'Length of a bucket of the per-model latency and output-token series (each closed bucket is one point of each univariate series).',
      ),
    bucket_min_requests: z
      .number()
      .int()
      .min(1)
      .default(20)
      .describe('Requests a bucket needs before it closes (a quiet model’s buckets are longer).'),
    series_threshold: z
      .number()
      .gt(0)
      .max(1)
      .default(0.7)
      .describe('Score of the univariate detector (0–1) that raises a token or latency finding.'),
    series_probation_points: z
      .number()
      .int()
      .min(0)
      .default(100)
      .describe('Buckets a token or latency series learns before it may alert.'),
    tool_learning_hours: z
      .number()
      .min(0)
      .default(24)
      .describe(
        'Hours after a principal’s first tool call during which its tools and destinations are only learned.',
      ),
    tool_learning_calls: z
      .number()
      .int()
      .min(0)
      .default(20)
      .describe('… and tool calls it must have made before a first-seen one alerts.'),
    max_known_tools: z
      .number()
      .int()
      .min(4)
      .max(256)
      .default(32)
      .describe(
        'Tools plus destinations remembered per principal × model (the stalest is forgotten beyond).',
      ),
    internal_domains: z
      .array(z.string().min(1))
      .default([
        'internal',
        'local',
        'localhost',
        'corp',
        'lan',
        'intranet',
        'svc',
        'cluster.local',
        'home.arpa',
      ])
      .describe(
        'A destination is internal when its host is, or ends with, one of these domains, or (for single labels) contains it as a label; private addresses and bare resource paths are internal too.',
      ),
  },
  create: (config, state) => new BehaviorDetector(config, state),
});
