/** Finding scenario targets in the world, by id or by a seeded pick among suitable ones. */
import type { Rng } from '../rng.ts';
import type { ModelKind, ModelSpec, Principal, World } from '../world-types.ts';
import { ScenarioError, type Target } from './types.ts';

export function principalTarget(
  world: World,
  rng: Rng,
  id: string | undefined,
  what: string,
  suits: (p: Principal) => boolean,
): Target {
  let p: Principal | undefined;
  if (id !== undefined) {
    p = world.principals.find((x) => x.id === id);
    if (p === undefined) throw new ScenarioError(`${what}: no principal "${id}" in this world`);
  } else {
    const pool = world.principals.filter((x) => x.activeFrom === 0 && suits(x));
    if (pool.length === 0) throw new ScenarioError(`${what}: no suitable principal in this world`);
    p = rng.pick(pool);
  }
  return {
    entity: { type: 'principal', id: p.id },
    tenant: p.tenant,
    utcOffsetH: p.utcOffsetH,
    principal: p,
  };
}

export function modelTarget(
  world: World,
  id: string | undefined,
  what: string,
  kinds: readonly ModelKind[],
  rank = 0,
): Target {
  let m: ModelSpec | undefined;
  if (id !== undefined) {
    m = world.models.find((x) => x.id === id);
    if (m === undefined) throw new ScenarioError(`${what}: no model "${id}" in this world`);
    if (!kinds.includes(m.kind))
      throw new ScenarioError(`${what}: model "${id}" is a ${m.kind}, need ${kinds.join(' or ')}`);
  } else {
    // The busiest model of the kind (or the next at `rank`), so the effect shows in plenty of traffic.
    const ranked = world.models
      .filter((x) => kinds.includes(x.kind))
      .map((x) => ({ x, callers: world.principals.filter((p) => p.models.includes(x)).length }))
      .sort((a, b) => b.callers - a.callers);
    m = (ranked[rank] ?? ranked[0])?.x;
    if (m === undefined) throw new ScenarioError(`${what}: no ${kinds.join('/')} model in this world`);
  }
  const tenant = world.tenants.find((t) => t.id === m.tenant);
  return {
    entity: { type: 'model', id: m.id },
    tenant: m.tenant,
    utcOffsetH: tenant?.utcOffsetH ?? 0,
    model: m,
  };
}

export function deviceTarget(
  world: World,
  id: string | undefined,
  what: string,
  kind: 'ups' | 'cooling',
  zoneId: string,
): Target {
  for (const site of world.sites) {
    for (const zone of site.zones) {
      for (const d of zone.devices) {
        const hit =
          id !== undefined ? d.id === id : d.kind === kind && zone.id === zoneId && site === world.sites[0];
        if (!hit) continue;
        if (d.kind !== kind) throw new ScenarioError(`${what}: device "${d.id}" is not a ${kind} device`);
        return {
          entity: { type: 'device', id: d.id },
          tenant: world.operator,
          utcOffsetH: site.utcOffsetH,
          device: d,
          site,
          zone,
        };
      }
    }
  }
  throw new ScenarioError(`${what}: no ${kind} device "${id ?? zoneId}" in this world`);
}
