/**
 * The principals of the world: users in roles with office hours, service accounts on
 * hourly and nightly schedules, and agents with tools. Each peer group touches its own
 * kinds of resources and models, so "rare for the peer group" has a meaning.
 */
import type { ResourceType } from '../events/types.ts';
import type { Rng } from './rng.ts';
import type { ModelKind, ModelSpec, Principal, Resource, Tenant, UserRole } from './world-types.ts';

const ROLE_MIX: readonly [UserRole, number][] = [
  ['analyst', 0.3],
  ['data_scientist', 0.25],
  ['engineer', 0.25],
  ['admin', 0.08],
  ['contractor', 0.12],
];

/** Resource types each peer group works with; only admins and services touch secrets. */
export const PEER_RESOURCES: Readonly<Record<string, readonly ResourceType[]>> = {
  analyst: ['dataset', 'log', 'prompt_store'],
  data_scientist: ['dataset', 'feature_store', 'model_artifact'],
  engineer: ['model_artifact', 'log', 'vector_index', 'prompt_store', 'other'],
  admin: ['secret', 'log', 'other', 'model_artifact'],
  contractor: ['dataset', 'prompt_store'],
  service: ['feature_store', 'dataset', 'model_artifact', 'secret'],
  nightly: ['dataset', 'feature_store', 'log'],
  agent: ['vector_index', 'prompt_store'],
};

const PEER_MODELS: Readonly<Record<string, readonly ModelKind[]>> = {
  analyst: ['llm', 'search'],
  data_scientist: ['classifier', 'embedding', 'llm'],
  engineer: ['llm', 'classifier', 'embedding', 'search'],
  admin: ['llm'],
  contractor: ['llm'],
  service: ['classifier', 'embedding'],
  nightly: [],
  agent: ['llm'],
};

const FIRST = [
  'alex',
  'sam',
  'kim',
  'lee',
  'noor',
  'ravi',
  'mia',
  'omar',
  'lina',
  'yuki',
  'jo',
  'ana',
  'ben',
  'eva',
];
const LAST = ['chen', 'patel', 'garcia', 'smith', 'kowalski', 'okafor', 'nguyen', 'muller', 'rossi', 'sato'];
const JOBS = ['etl', 'features', 'scoring', 'reindex', 'backup', 'sync', 'report', 'train'];
const AGENTS = ['support', 'research', 'ops', 'sales', 'coding', 'triage'];
const TOOLS: readonly { tool: string; destination: string }[] = [
  { tool: 'sql_query', destination: 'warehouse.internal' },
  { tool: 'web_search', destination: 'https://search.internal.example' },
  { tool: 'ticket_update', destination: 'tickets.internal' },
  { tool: 'send_email', destination: 'smtp.internal' },
];

function pickResources(
  rng: Rng,
  pool: readonly Resource[],
  types: readonly ResourceType[],
  n: number,
): Resource[] {
  const fit = pool.filter(
    (r) => types.includes(r.type) && (r.sensitivity !== 'restricted' || rng.chance(0.3)),
  );
  const out = new Set<Resource>();
  for (let i = 0; i < n * 3 && out.size < n && fit.length > 0; i++) out.add(rng.pick(fit));
  return [...out];
}

function pickModels(
  rng: Rng,
  models: readonly ModelSpec[],
  kinds: readonly ModelKind[],
  n: number,
): ModelSpec[] {
  const fit = models.filter((m) => kinds.includes(m.kind));
  const out = new Set<ModelSpec>();
  for (let i = 0; i < n * 3 && out.size < n && fit.length > 0; i++) out.add(rng.pick(fit));
  return [...out];
}

function pickRole(rng: Rng): UserRole {
  let x = rng.next();
  for (const [role, p] of ROLE_MIX) {
    x -= p;
    if (x < 0) return role;
  }
  return 'analyst';
}

export function basePrincipal(id: string, tenant: Tenant, type: Principal['type'], role: string): Principal {
  return {
    id,
    tenant: tenant.id,
    type,
    role,
    utcOffsetH: tenant.utcOffsetH,
    officeStartH: 9,
    officeEndH: 17.5,
    peakPerHour: 6,
    schedule: 'interactive',
    runMinute: 0,
    runHourLocal: 2,
    readsPerRun: 0,
    readBytesMedian: 0,
    models: [],
    resources: [],
    tools: [],
    ip: '10.0.0.1',
    activeFrom: 0,
    rampPerDay: 0,
  };
}

export function buildPrincipals(
  rng: Rng,
  n: number,
  tenants: readonly Tenant[],
  models: readonly ModelSpec[],
  resources: readonly Resource[],
): Principal[] {
  const out: Principal[] = [];
  for (let i = 0; i < n; i++) {
    const ti = i % tenants.length;
    const tenant = tenants[ti];
    if (tenant === undefined) continue;
    const own = resources.filter((r) => r.tenant === tenant.id);
    const u = i / n;
    let p: Principal;
    if (u < 0.7) {
      const role = pickRole(rng);
      const name = `${rng.pick(FIRST)}.${rng.pick(LAST)}${i}`;
      p = basePrincipal(`${name}@${tenant.id}`, tenant, 'user', role);
      // A few colleagues work from another time zone.
      if (rng.chance(0.1)) p.utcOffsetH += rng.chance(0.5) ? 1 : -1;
      p.officeStartH = rng.uniform(7.5, 10);
      p.officeEndH = p.officeStartH + rng.uniform(8, 9.5);
      p.peakPerHour = rng.uniform(4, 12);
      p.resources = pickResources(rng, own, PEER_RESOURCES[role] ?? [], 3 + rng.int(5));
      p.models = pickModels(rng, models, PEER_MODELS[role] ?? [], 1 + rng.int(3));
      p.ip = `10.${ti}.${1 + rng.int(250)}.${1 + rng.int(250)}`;
    } else if (u < 0.9) {
      const nightly = rng.chance(0.4);
      const group = nightly ? 'nightly' : 'service';
      p = basePrincipal(`svc-${rng.pick(JOBS)}-${i}@${tenant.id}`, tenant, 'service', 'service');
      p.schedule = nightly ? 'nightly' : 'hourly';
      p.runMinute = rng.int(60);
      p.runHourLocal = 1 + rng.int(3);
      p.readsPerRun = nightly ? 20 + rng.int(40) : 3 + rng.int(8);
      // Some nightly jobs read gigabytes: tens of reads of 100–500 MB each.
      p.readBytesMedian = nightly ? (rng.chance(0.4) ? rng.uniform(1e8, 5e8) : rng.uniform(5e6, 5e7)) : 0;
      p.resources = pickResources(rng, own, PEER_RESOURCES[group] ?? [], 2 + rng.int(4));
      p.models = pickModels(rng, models, PEER_MODELS[group] ?? [], 1);
      p.ip = `10.200.${ti}.${1 + rng.int(250)}`;
    } else {
      p = basePrincipal(`agent-${rng.pick(AGENTS)}-${i}@${tenant.id}`, tenant, 'agent', 'agent');
      p.schedule = 'continuous';
      p.peakPerHour = rng.uniform(8, 24);
      p.resources = pickResources(rng, own, PEER_RESOURCES['agent'] ?? [], 1 + rng.int(2));
      p.models = pickModels(rng, models, PEER_MODELS['agent'] ?? [], 1);
      const index = p.resources.find((r) => r.type === 'vector_index');
      p.tools = [
        { tool: 'vector_search', destination: index?.id ?? `${tenant.id}/vector-index/kb` },
        ...TOOLS.filter(() => rng.chance(0.4)),
      ];
      p.ip = `10.250.${ti}.${1 + rng.int(250)}`;
    }
    out.push(p);
  }
  return out;
}
