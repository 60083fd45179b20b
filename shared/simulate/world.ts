/**
 * Builds the world from a seed and a size preset. Each family of entities draws from its
 * own derived stream, so the world of a seed is stable however the builder grows.
 */
import { RESOURCE_TYPES, SENSITIVITIES, type ResourceType } from '../events/types.ts';
import { dayString, holidayDay } from './calendar.ts';
import { Rng } from './rng.ts';
import { buildPrincipals } from './world-principals.ts';
import type {
  Badge,
  BadgeRole,
  Device,
  FeatureSpec,
  ModelKind,
  ModelSpec,
  Resource,
  SizePreset,
  Site,
  Tenant,
  World,
  Zone,
  ZoneKind,
} from './world-types.ts';

export interface SizeSpec {
  tenants: number;
  principals: number;
  models: number;
  resourcesPerTenant: number;
  sites: number;
  halls: number;
  staffBadgesPerSite: number;
}

export const SIZES: Readonly<Record<SizePreset, SizeSpec>> = {
  small: {
    tenants: 2,
    principals: 100,
    models: 6,
    resourcesPerTenant: 40,
    sites: 2,
    halls: 2,
    staffBadgesPerSite: 12,
  },
  medium: {
    tenants: 3,
    principals: 1000,
    models: 12,
    resourcesPerTenant: 120,
    sites: 2,
    halls: 3,
    staffBadgesPerSite: 30,
  },
  large: {
    tenants: 4,
    principals: 10000,
    models: 24,
    resourcesPerTenant: 600,
    sites: 3,
    halls: 4,
    staffBadgesPerSite: 80,
  },
};

const TENANTS: readonly Tenant[] = [
  { id: 'acme', utcOffsetH: 1 },
  { id: 'globex', utcOffsetH: -5 },
  { id: 'initech', utcOffsetH: 5.5 },
  { id: 'umbrella', utcOffsetH: 9 },
];

const SITES: readonly { id: string; utcOffsetH: number }[] = [
  { id: 'fra1', utcOffsetH: 1 },
  { id: 'iad1', utcOffsetH: -5 },
  { id: 'sin1', utcOffsetH: 8 },
];

const MODEL_NAMES: Readonly<Record<ModelKind, readonly string[]>> = {
  classifier: ['fraud-clf', 'churn-clf', 'credit-risk-clf', 'spam-clf', 'triage-clf', 'defect-clf'],
  llm: ['chat-llm', 'code-llm', 'support-llm', 'summarise-llm', 'legal-llm', 'sql-llm'],
  embedding: ['embed-small', 'embed-large', 'embed-multilingual'],
  search: ['rerank-search', 'semantic-search', 'product-search'],
};
const KIND_CYCLE: readonly ModelKind[] = ['classifier', 'llm', 'classifier', 'llm', 'embedding', 'search'];
const FEATURES = ['amount', 'age_days', 'txn_count_24h', 'geo_distance_km', 'device_score', 'velocity'];
const CLF_LABELS = [
  ['legit', 'fraud'],
  ['stay', 'churn'],
  ['low', 'high'],
  ['ham', 'spam'],
];
const EMBED_DIMS = 8;

const RESOURCE_WORDS = [
  'claims',
  'customers',
  'orders',
  'support',
  'telemetry',
  'payments',
  'docs',
  'kb',
  'hr',
];
const READ_MEDIAN: Readonly<Record<ResourceType, number>> = {
  dataset: 8e6,
  model_artifact: 4e8,
  vector_index: 2e6,
  feature_store: 5e5,
  secret: 2e3,
  log: 3e6,
  prompt_store: 5e4,
  other: 1e6,
};

function buildModels(rng: Rng, n: number, tenants: readonly Tenant[]): ModelSpec[] {
  const used = new Map<ModelKind, number>();
  const models: ModelSpec[] = [];
  for (let i = 0; i < n; i++) {
    const kind = KIND_CYCLE[i % KIND_CYCLE.length] ?? 'llm';
    const k = used.get(kind) ?? 0;
    used.set(kind, k + 1);
    const names = MODEL_NAMES[kind];
    const base = names[k % names.length] ?? kind;
    const id = k < names.length ? base : `${base}-${Math.floor(k / names.length) + 1}`;
    const tenant = tenants[i % tenants.length]?.id ?? 'acme';
    const major = 1 + rng.int(4);
    const features: FeatureSpec[] =
      kind === 'classifier'
        ? FEATURES.map((name) => ({
            name,
            mean: Math.round(rng.uniform(1, 100)),
            sd: Math.round(rng.uniform(2, 20)),
            weight: rng.uniform(-1, 1),
          }))
        : [];
    const centres: number[][] = [];
    for (let c = 0; c < 6; c++) {
      const v: number[] = [];
      for (let d = 0; d < EMBED_DIMS; d++) v.push(rng.uniform(-1, 1));
      centres.push(v);
    }
    models.push({
      id,
      tenant,
      kind,
      versions: [`${major}.${rng.int(5)}.0`, `${major}.${5 + rng.int(4)}.${rng.int(3)}`],
      endpoints: rng.chance(0.5) ? [`/v1/${id}/predict`] : [`/v1/${id}/predict`, `/v2/${id}/predict`],
      labels: kind === 'classifier' ? (CLF_LABELS[k % CLF_LABELS.length] ?? ['neg', 'pos']) : [],
      features,
      embedDims: kind === 'llm' ? 0 : EMBED_DIMS,
      centres,
      latencyMedianMs: kind === 'llm' ? 600 : kind === 'classifier' ? 18 : 35,
      effects: { outputShift: [], inputShift: [], rollout: null },
    });
  }
  return models;
}

function buildResources(rng: Rng, perTenant: number, tenants: readonly Tenant[]): Resource[] {
  const out: Resource[] = [];
  for (const t of tenants) {
    for (let i = 0; i < perTenant; i++) {
      // The first 32 cover every type × sensitivity; the rest follow a realistic mix.
      const cover = i < RESOURCE_TYPES.length * SENSITIVITIES.length;
      const type = cover ? RESOURCE_TYPES[i % 8] : rng.pick(RESOURCE_TYPES);
      const sens = cover
        ? SENSITIVITIES[Math.floor(i / 8) % 4]
        : rng.pick(['public', 'internal', 'internal', 'internal', 'confidential', 'restricted'] as const);
      if (type === undefined || sens === undefined) continue;
      const word = rng.pick(RESOURCE_WORDS);
      out.push({
        id: `${t.id}/${type.replace('_', '-')}/${word}-${i}`,
        tenant: t.id,
        type,
        sensitivity: sens,
        readBytesMedian: Math.round((READ_MEDIAN[type] ?? 1e6) * rng.uniform(0.5, 2)),
      });
    }
  }
  return out;
}

function device(site: string, zone: string, kind: 'ups' | 'cooling', n: number, rng: Rng): Device {
  const id = `${kind === 'ups' ? 'ups' : 'crac'}-${site}-${zone}-${n}`;
  return {
    id,
    site,
    zone,
    kind,
    intervalMs: 60_000,
    jitterMs: 250,
    firmware:
      kind === 'ups'
        ? `fw-${2 + rng.int(3)}.${rng.int(10)}.${rng.int(10)}`
        : `bms-${1 + rng.int(3)}.${rng.int(10)}`,
    configHash: (rng.u32() >>> 0).toString(16).padStart(8, '0'),
    effects: { silent: [], degrade: [], bypass: [], maintenance: [], configChange: [] },
  };
}

function buildSites(rng: Rng, spec: SizeSpec): Site[] {
  const sites: Site[] = [];
  for (let s = 0; s < spec.sites; s++) {
    const def = SITES[s];
    if (def === undefined) break;
    const zones: Zone[] = [];
    const add = (id: string, kind: ZoneKind, restricted: boolean): void => {
      const devices = [device(def.id, id, 'ups', 1, rng), device(def.id, id, 'cooling', 1, rng)];
      zones.push({ id, site: def.id, kind, restricted, doors: [`${def.id}-${id}-door-1`], devices });
    };
    for (let h = 1; h <= spec.halls; h++) add(`hall-${h}`, 'hall', false);
    add('power-room', 'power_room', true);
    add('network-room', 'network_room', true);
    add('cage-1', 'cage', true);
    sites.push({ id: def.id, utcOffsetH: def.utcOffsetH, zones });
  }
  // Reporting cadences: one UPS every 30 s, one cooling unit every 5 min, the rest every minute;
  // one device with a sloppy clock (±2 s), so its events arrive slightly out of order.
  const first = sites[0]?.zones;
  const fast = first?.[0]?.devices[0];
  const slow = first?.find((z) => z.kind === 'network_room')?.devices[1];
  const sloppy = first?.[1]?.devices[1];
  if (fast !== undefined) fast.intervalMs = 30_000;
  if (slow !== undefined) slow.intervalMs = 300_000;
  if (sloppy !== undefined) sloppy.jitterMs = 2000;
  return sites;
}

function buildBadges(rng: Rng, spec: SizeSpec, sites: readonly Site[]): Badge[] {
  const badges: Badge[] = [];
  let n = 0;
  for (const site of sites) {
    const halls = site.zones.filter((z) => z.kind === 'hall').map((z) => z.id);
    const roles: [BadgeRole, number, string[]][] = [
      ['staff', spec.staffBadgesPerSite, halls],
      ['facilities', 3, ['power-room', 'network-room', ...halls]],
      ['contractor', 3, ['cage-1']],
      ['security', 2, halls],
    ];
    for (const [role, count, zones] of roles) {
      for (let i = 0; i < count; i++) {
        const visit = zones.filter(() => rng.chance(0.6));
        badges.push({
          id: `B${String(10000 + n++)}`,
          role,
          site: site.id,
          zones: visit.length > 0 ? visit : zones.slice(0, 1),
          startH: role === 'security' ? 6 : rng.uniform(7, 9.5),
          activeFrom: 0,
        });
      }
    }
  }
  return badges;
}

export function buildWorld(seed: number, size: SizePreset, startMs: number): World {
  const spec = SIZES[size];
  const tenants = TENANTS.slice(0, spec.tenants);
  const models = buildModels(Rng.derive(seed, 'world/models'), spec.models, tenants);
  const resources = buildResources(Rng.derive(seed, 'world/resources'), spec.resourcesPerTenant, tenants);
  const principals = buildPrincipals(
    Rng.derive(seed, 'world/principals'),
    spec.principals,
    tenants,
    models,
    resources,
  );
  const sites = buildSites(Rng.derive(seed, 'world/sites'), spec);
  const badges = buildBadges(Rng.derive(seed, 'world/badges'), spec, sites);
  return {
    seed,
    size,
    startMs,
    operator: tenants[0]?.id ?? 'acme',
    tenants,
    models,
    principals,
    resources,
    sites,
    badges,
    holidays: [dayString(holidayDay(startMs))],
    maintenance: [],
  };
}
