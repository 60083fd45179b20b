/**
 * A JSON summary of the world for `world.json`: what detector configs need to know
 * (holidays, declared maintenance windows, zones and device cadences) and entity ids.
 */
import type { Simulation } from './simulate.ts';

export function worldSummary(sim: Simulation): Record<string, unknown> {
  const w = sim.world;
  return {
    seed: w.seed,
    size: w.size,
    start: new Date(sim.startMs).toISOString(),
    end: new Date(sim.endMs).toISOString(),
    operator: w.operator,
    tenants: w.tenants,
    holidays: w.holidays,
    maintenance: w.maintenance,
    sites: w.sites.map((s) => ({
      id: s.id,
      utc_offset_h: s.utcOffsetH,
      zones: s.zones.map((z) => ({
        id: z.id,
        kind: z.kind,
        restricted: z.restricted,
        doors: z.doors,
        devices: z.devices.map((d) => ({ id: d.id, kind: d.kind, interval_ms: d.intervalMs })),
      })),
    })),
    models: w.models.map((m) => ({
      id: m.id,
      kind: m.kind,
      tenant: m.tenant,
      versions: m.versions,
      endpoints: m.endpoints,
    })),
    principals: w.principals.map((p) => ({
      id: p.id,
      tenant: p.tenant,
      type: p.type,
      role: p.role,
      schedule: p.schedule,
    })),
    badges: w.badges.map((b) => ({ id: b.id, role: b.role, site: b.site })),
  };
}
