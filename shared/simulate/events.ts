/**
 * Builders of inference and access events for normal traffic; scenarios build the same
 * events and then override the fields their attack changes. Keys are always written in
 * the same order (type, event_id, ts first — the NDJSON writer relies on it) so V8 keeps
 * one hidden class per event shape.
 */
import type {
  AccessAction,
  AccessEvent,
  InferenceEvent,
  InferenceStatus,
  ToolCall,
} from '../events/types.ts';
import type { Emitter } from './engine.ts';
import type { Rng } from './rng.ts';
import type { ModelSpec, Principal, Resource } from './world-types.ts';

export const r2 = (x: number): number => Math.round(x * 100) / 100;
export const r3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Output shift in logits at `ts`: drift windows plus a rolled-out version's offset. */
function outputShift(m: ModelSpec, ts: number): number {
  let s = 0;
  const fx = m.effects;
  for (const w of fx.outputShift) if (ts >= w.start && ts < w.end) s += w.shift;
  if (fx.rollout !== null && ts >= fx.rollout.at) s += fx.rollout.shift;
  return s;
}

export function modelVersion(m: ModelSpec, ts: number): string {
  const r = m.effects.rollout;
  if (r !== null && ts >= r.at) return r.version;
  return m.versions[m.versions.length - 1] ?? '1.0.0';
}

/** A natural query: near one of the model's cluster centres. */
export function naturalEmbedding(m: ModelSpec, rng: Rng, centre: number): number[] {
  const c = m.centres[centre % m.centres.length] ?? [];
  const v = new Array<number>(c.length);
  for (let d = 0; d < c.length; d++) v[d] = r3((c[d] ?? 0) + 0.35 * rng.normal());
  return v;
}

/** Tags of scenarios whose effects touched this model event (only when tagging). */
function effectTag(m: ModelSpec, ts: number): string {
  const fx = m.effects;
  for (const w of fx.outputShift) if (ts >= w.start && ts < w.end) return w.tag;
  for (const w of fx.inputShift) if (ts >= w.start && ts < w.end) return w.tag;
  if (fx.rollout !== null && ts >= fx.rollout.at && ts < fx.rollout.tagUntil) return fx.rollout.tag;
  return '';
}

function classifierFields(e: InferenceEvent, m: ModelSpec, ts: number, rng: Rng, centre: number): void {
  const feats: Record<string, number> = {};
  let z = -1.1 + outputShift(m, ts) + 0.6 * rng.normal();
  const drift = m.effects.inputShift;
  for (const f of m.features) {
    let sdUnits = rng.normal();
    for (const w of drift) {
      if (ts >= w.start && ts < w.end) sdUnits += w.features[f.name] ?? 0;
    }
    feats[f.name] = r2(f.mean + f.sd * sdUnits);
    z += f.weight * sdUnits;
  }
  const score = 1 / (1 + Math.exp(-z));
  e.prediction = { label: score >= 0.5 ? (m.labels[1] ?? 'pos') : (m.labels[0] ?? 'neg'), score: r3(score) };
  e.input_features = feats;
  e.input_embedding = naturalEmbedding(m, rng, centre);
}

function status(rng: Rng, refused: number): InferenceStatus {
  const x = rng.next();
  if (x < 0.003) return 'error';
  if (x < 0.005) return 'rate_limited';
  if (x < 0.005 + refused) return 'refused';
  return 'ok';
}

/**
 * One normal model request by `p`. `centre` is the principal's habitual topic, so each
 * caller's queries cluster the way real users' do.
 */
export function inferenceEvent(
  ctx: Emitter,
  ts: number,
  m: ModelSpec,
  p: Principal,
  rng: Rng,
  centre: number,
  tools: ToolCall[] | undefined,
): InferenceEvent {
  const e: InferenceEvent = {
    type: 'inference',
    event_id: ctx.id(),
    ts,
    tenant: p.tenant,
    source: 'gateway',
    model_id: m.id,
    model_version: modelVersion(m, ts),
    endpoint: m.endpoints[centre % m.endpoints.length] ?? '/v1/predict',
    principal: p.id,
    client_ip: p.ip,
    latency_ms: 0,
    status: 'ok',
  };
  if (m.kind === 'llm') {
    e.status = status(rng, 0.012);
    const done = e.status === 'ok';
    e.input_tokens = Math.round(rng.logNormal(350, 0.9));
    e.output_tokens = done ? Math.round(rng.logNormal(220, 0.8)) : Math.round(rng.uniform(0, 30));
    e.latency_ms = r2(120 + e.output_tokens * 14 * rng.logNormal(1, 0.3));
    if (e.status === 'refused') e.policy_flags = [rng.chance(0.6) ? 'jailbreak' : 'pii'];
    else if (rng.chance(0.01)) e.policy_flags = ['pii'];
    if (tools !== undefined && done) e.tool_calls = tools;
  } else {
    e.status = status(rng, 0);
    e.latency_ms = r2(rng.logNormal(m.latencyMedianMs, 0.5));
    if (m.kind === 'classifier') classifierFields(e, m, ts, rng, centre);
    else {
      e.input_tokens = Math.round(rng.logNormal(60, 0.7));
      if (m.kind === 'search') e.prediction = { score: r3(1 / (1 + Math.exp(-1.2 - rng.normal()))) };
      e.input_embedding = naturalEmbedding(m, rng, centre);
    }
  }
  if (ctx.tagEvents) {
    const tag = effectTag(m, ts);
    if (tag !== '') e['sim_scenario'] = tag;
  }
  return e;
}

const ACTIONS: Readonly<Record<string, readonly AccessAction[]>> = {
  dataset: ['read', 'read', 'query', 'query', 'list'],
  model_artifact: ['read', 'read', 'write', 'list'],
  vector_index: ['query', 'query', 'query', 'read'],
  feature_store: ['query', 'query', 'read'],
  secret: ['read'],
  log: ['read', 'query', 'query'],
  prompt_store: ['read', 'read', 'write'],
  other: ['read', 'list', 'write'],
};

export function pickAction(r: Resource, rng: Rng): AccessAction {
  return rng.pick(ACTIONS[r.type] ?? ['read']);
}

/** Bytes moved by one action: long-tailed around the resource's typical read. */
export function actionBytes(r: Resource, action: AccessAction, rng: Rng): number {
  const scale = action === 'list' ? 0.001 : action === 'query' ? 0.05 : action === 'write' ? 0.3 : 1;
  return Math.max(0, Math.round(rng.logNormal(r.readBytesMedian * scale, 1.1)));
}

export function accessEvent(
  ctx: Emitter,
  ts: number,
  p: Principal,
  r: Resource,
  action: AccessAction,
  bytes: number,
  denied: boolean,
  via: string | undefined,
): AccessEvent {
  const e: AccessEvent = {
    type: 'access',
    event_id: ctx.id(),
    ts,
    tenant: p.tenant,
    source: 'data-gateway',
    principal: p.id,
    principal_type: p.type,
    role: p.role,
    action,
    resource: r.id,
    resource_type: r.type,
    sensitivity: r.sensitivity,
    resource_tenant: r.tenant,
    bytes: denied ? 0 : bytes,
    records: denied ? 0 : Math.ceil(bytes / 700),
    outcome: denied ? 'denied' : 'allowed',
    client_ip: p.ip,
  };
  if (via !== undefined) e.via = via;
  return e;
}
