/**
 * Attacks on models: three ways to extract a model, two kinds of drift, and an agent
 * hijacked by prompt injection.
 */
import type { InferenceEvent, ToolCall } from '../../events/types.ts';
import { HOUR, MINUTE } from '../calendar.ts';
import type { Emitter } from '../engine.ts';
import { inferenceEvent, naturalEmbedding, r2, r3 } from '../events.ts';
import type { Rng } from '../rng.ts';
import type { ModelSpec, Principal } from '../world-types.ts';
import { PacedActor } from './actors.ts';
import { modelTarget, principalTarget } from './targets.ts';
import { ScenarioError, type ScenarioContext, type ScenarioDef, type Target } from './types.ts';

function attackModel(ctx: ScenarioContext, p: Principal, id: unknown, what: string): ModelSpec {
  if (typeof id === 'string' && id !== '') {
    const m = ctx.world.models.find((x) => x.id === id);
    if (m === undefined) throw new ScenarioError(`${what}: no model "${id}"`);
    return m;
  }
  const own = p.models.find((m) => m.kind === 'classifier');
  const any = ctx.world.models.find((m) => m.kind === 'classifier');
  if (own ?? any) return (own ?? any) as ModelSpec;
  throw new ScenarioError(`${what}: no classifier model in this world`);
}

const callsClassifier = (p: Principal): boolean =>
  p.type === 'user' && p.models.some((m) => m.kind === 'classifier');

/**
 * PRADA-style extraction (Juuti et al., 2019): after a few natural seed queries, each
 * query is a small synthetic perturbation of an earlier one, so the distances between a
 * new query and the earlier ones stop following the natural distribution — at a rate no
 * higher than a busy benign client.
 */
class PradaActor extends PacedActor {
  private readonly pool: {
    emb: number[];
    feats: Record<string, number>;
    prediction: InferenceEvent['prediction'];
  }[] = [];
  constructor(
    rng: Rng,
    start: number,
    end: number,
    gap: number,
    private readonly m: ModelSpec,
    private readonly p: Principal,
  ) {
    super(rng, start, end, gap);
  }

  protected emit(ctx: Emitter, ts: number, i: number): InferenceEvent {
    const { rng, m } = this;
    const e = inferenceEvent(ctx, ts, m, this.p, rng, i, undefined);
    const base = this.pool.length > 0 && i % 12 !== 0 ? rng.pick(this.pool) : undefined;
    if (base === undefined) {
      const seed = {
        emb: e.input_embedding ?? naturalEmbedding(m, rng, i),
        feats: e.input_features ?? {},
        prediction: e.prediction,
      };
      if (this.pool.length >= 24) this.pool.shift();
      this.pool.push(seed);
      return e;
    }
    e.input_embedding = base.emb.map((v) => r3(v + 0.02 * rng.normal()));
    const feats: Record<string, number> = {};
    for (const [k, v] of Object.entries(base.feats)) feats[k] = r2(v * (1 + 0.01 * rng.normal()));
    e.input_features = feats;
    // The model answers a near-copy as it answered the seed (no extra draws: old seeds'
    // streams are unchanged but for these predictions).
    if (base.prediction !== undefined) e.prediction = { ...base.prediction };
    return e;
  }
}

/** High-volume harvesting of full probability vectors. */
class HarvestActor extends PacedActor {
  constructor(
    rng: Rng,
    start: number,
    end: number,
    gap: number,
    private readonly m: ModelSpec,
    private readonly p: Principal,
  ) {
    super(rng, start, end, gap);
  }
  protected emit(ctx: Emitter, ts: number, i: number): InferenceEvent {
    const e = inferenceEvent(ctx, ts, this.m, this.p, this.rng, i, undefined);
    e.logprobs_requested = true;
    return e;
  }
}

/** Systematic probing: one feature swept across its range, everything else frozen. */
class ProbeActor extends PacedActor {
  private readonly emb: number[];
  constructor(
    rng: Rng,
    start: number,
    end: number,
    gap: number,
    private readonly m: ModelSpec,
    private readonly p: Principal,
    private readonly feature: string,
    private readonly steps: number,
  ) {
    super(rng, start, end, gap, false);
    this.emb = naturalEmbedding(m, rng, 0);
  }
  protected emit(ctx: Emitter, ts: number, i: number): InferenceEvent {
    const { m, rng } = this;
    const e = inferenceEvent(ctx, ts, m, this.p, rng, 0, undefined);
    const feats: Record<string, number> = {};
    for (const f of m.features) {
      feats[f.name] =
        f.name === this.feature ? r2(f.mean + f.sd * (-3 + (6 * (i % this.steps)) / this.steps)) : f.mean;
    }
    e.input_features = feats;
    e.input_embedding = this.emb.map((v) => r3(v + 0.003 * rng.normal()));
    e.logprobs_requested = true;
    return e;
  }
}

const EXFIL_TOOL: ToolCall = { tool: 'http_post', destination: 'https://paste-drop.example.net/u/8f3a1c' };

/** An agent after a prompt injection: guardrail hits, then a new tool towards an external host. */
class HijackActor extends PacedActor {
  constructor(
    rng: Rng,
    start: number,
    end: number,
    gap: number,
    private readonly m: ModelSpec,
    private readonly p: Principal,
  ) {
    super(rng, start, end, gap);
  }
  protected emit(ctx: Emitter, ts: number, i: number): InferenceEvent {
    const e = inferenceEvent(ctx, ts, this.m, this.p, this.rng, i, undefined);
    e.status = 'ok';
    if (i === 0 || this.rng.chance(0.3)) e.policy_flags = ['prompt_injection'];
    e.tool_calls = [{ tool: EXFIL_TOOL.tool, destination: EXFIL_TOOL.destination }];
    e.output_tokens = Math.round(this.rng.logNormal(900, 0.4));
    return e;
  }
}

const perHour = (rate: number, intensity: number): number => HOUR / Math.max(0.01, rate * intensity);

export const INFERENCE_SCENARIOS: ScenarioDef[] = [
  {
    name: 'extraction-prada',
    category: 'extraction',
    detectors: ['inference.extraction.prada'],
    summary:
      'Model extraction by synthetic augmentation (PRADA): perturbed copies of a few seed queries, at a benign rate.',
    durationMs: 8 * HOUR,
    timing: 'work',
    targetDoc: 'principal (default: a user who calls a classifier)',
    params: {
      model: { default: '', doc: 'model to extract (default: a classifier the principal uses)' },
      rate_per_hour: { default: 30, doc: 'queries per hour, no more than a busy benign client' },
    },
    target: (ctx, id) => principalTarget(ctx.world, ctx.rng, id, 'extraction-prada', callsClassifier),
    build(ctx, t: Target, pl) {
      const p = t.principal as Principal;
      const m = attackModel(ctx, p, pl.params['model'], 'extraction-prada');
      pl.params['model'] = m.id;
      const gap = perHour(Number(pl.params['rate_per_hour']), pl.intensity);
      return [new PradaActor(ctx.rng, pl.start, pl.end, gap, m, p)];
    },
  },
  {
    name: 'extraction-harvest',
    category: 'extraction',
    detectors: ['inference.extraction.rate', 'inference.extraction.probing'],
    summary:
      "High-volume harvesting of full probability vectors (logprobs_requested) far above the principal's baseline.",
    durationMs: 2 * HOUR,
    timing: 'work',
    targetDoc: 'principal (default: a user who calls a classifier)',
    params: {
      model: { default: '', doc: 'model harvested (default: a classifier the principal uses)' },
      rate_per_hour: { default: 900, doc: 'queries per hour' },
    },
    target: (ctx, id) => principalTarget(ctx.world, ctx.rng, id, 'extraction-harvest', callsClassifier),
    build(ctx, t, pl) {
      const p = t.principal as Principal;
      const m = attackModel(ctx, p, pl.params['model'], 'extraction-harvest');
      pl.params['model'] = m.id;
      return [
        new HarvestActor(
          ctx.rng,
          pl.start,
          pl.end,
          perHour(Number(pl.params['rate_per_hour']), pl.intensity),
          m,
          p,
        ),
      ];
    },
  },
  {
    name: 'extraction-probing',
    category: 'extraction',
    detectors: ['inference.extraction.probing'],
    summary:
      'Systematic probing: near-identical queries sweeping one input feature, asking for probability vectors.',
    durationMs: HOUR,
    timing: 'work',
    targetDoc: 'principal (default: a user who calls a classifier)',
    params: {
      model: { default: '', doc: 'model probed (default: a classifier the principal uses)' },
      feature: { default: 'amount', doc: 'input feature swept from mean − 3 sd to mean + 3 sd' },
      steps: { default: 60, doc: 'sweep steps before it repeats' },
      rate_per_hour: { default: 240, doc: 'queries per hour (fixed cadence)' },
    },
    target: (ctx, id) => principalTarget(ctx.world, ctx.rng, id, 'extraction-probing', callsClassifier),
    build(ctx, t, pl) {
      const p = t.principal as Principal;
      const m = attackModel(ctx, p, pl.params['model'], 'extraction-probing');
      pl.params['model'] = m.id;
      const feature = String(pl.params['feature']);
      if (m.kind === 'classifier' && !m.features.some((f) => f.name === feature)) {
        throw new ScenarioError(`extraction-probing: model ${m.id} has no feature "${feature}"`);
      }
      const gap = perHour(Number(pl.params['rate_per_hour']), pl.intensity);
      return [
        new ProbeActor(
          ctx.rng,
          pl.start,
          pl.end,
          gap,
          m,
          p,
          feature,
          Math.max(2, Number(pl.params['steps'])),
        ),
      ];
    },
  },
  {
    name: 'drift-output',
    category: 'drift',
    detectors: ['inference.drift.output'],
    summary:
      "A classifier's output scores and labels move away from their reference (shift of the latent logit).",
    durationMs: 12 * HOUR,
    timing: 'work',
    targetDoc: 'model (default: the busiest classifier)',
    params: { shift_logits: { default: 1.5, doc: 'shift of the latent score, logits (× intensity)' } },
    target: (ctx, id) => modelTarget(ctx.world, id, 'drift-output', ['classifier']),
    build(ctx, t, pl) {
      const shift = Number(pl.params['shift_logits']) * pl.intensity;
      t.model?.effects.outputShift.push({ start: pl.start, end: pl.end, shift, tag: ctx.tag });
      return [];
    },
  },
  {
    name: 'drift-input',
    category: 'drift',
    detectors: ['inference.drift.input'],
    summary: "Input drift: named features of a classifier's requests shift by some standard deviations.",
    durationMs: 12 * HOUR,
    timing: 'work',
    targetDoc: 'model (default: the busiest classifier)',
    params: {
      features: { default: ['amount', 'geo_distance_km'], doc: 'features that drift' },
      shift_sd: { default: 2.5, doc: 'shift of each feature, standard deviations (× intensity)' },
    },
    target: (ctx, id) => modelTarget(ctx.world, id, 'drift-input', ['classifier']),
    build(ctx, t, pl) {
      const names = pl.params['features'];
      const list = Array.isArray(names) ? names : String(names).split('+');
      const shift = Number(pl.params['shift_sd']) * pl.intensity;
      const features: Record<string, number> = {};
      for (const n of list) {
        if (!t.model?.features.some((f) => f.name === n))
          throw new ScenarioError(`drift-input: model has no feature "${n}"`);
        features[n] = shift;
      }
      t.model?.effects.inputShift.push({ start: pl.start, end: pl.end, features, tag: ctx.tag });
      return [];
    },
  },
  {
    name: 'agent-hijack',
    category: 'abuse',
    detectors: ['inference.behavior'],
    summary:
      'An agent hijacked by prompt injection: guardrail hits, then a first-seen tool posting to an external host.',
    durationMs: HOUR,
    timing: 'any',
    targetDoc: 'agent principal (default: a seeded pick)',
    params: { rate_per_hour: { default: 40, doc: 'hijacked calls per hour' } },
    target: (ctx, id) => principalTarget(ctx.world, ctx.rng, id, 'agent-hijack', (p) => p.type === 'agent'),
    build(ctx, t, pl) {
      const p = t.principal as Principal;
      const m = p.models[0] ?? ctx.world.models.find((x) => x.kind === 'llm');
      if (m === undefined) throw new ScenarioError('agent-hijack: no LLM in this world');
      const gap = perHour(Number(pl.params['rate_per_hour']), pl.intensity);
      return [new HijackActor(ctx.rng, pl.start + MINUTE, pl.end, gap, m, p)];
    },
  },
];
