/**
 * Benign look-alikes: activity that resembles an attack but is normal operations. A good
 * detector configuration stays silent on them; their labels carry `benign: true` and name
 * the detectors they resemble.
 */
import { DAY, HOUR, type Calendar } from '../calendar.ts';
import { ServiceActor, UserActor } from '../actors/principals.ts';
import type { Rng } from '../rng.ts';
import { basePrincipal, PEER_RESOURCES } from '../world-principals.ts';
import type { Principal, Tenant, World } from '../world-types.ts';
import { deviceTarget, modelTarget } from './targets.ts';
import { ScenarioError, type ScenarioContext, type ScenarioDef, type Target } from './types.ts';

function newPrincipal(
  ctx: ScenarioContext,
  id: string | undefined,
  fallback: (t: Tenant) => string,
  type: Principal['type'],
  role: string,
): Target {
  const tenant = ctx.world.tenants[0] as Tenant;
  const taken = (x: string): boolean => ctx.world.principals.some((p) => p.id === x);
  let pid = id ?? fallback(tenant);
  if (id !== undefined && taken(pid))
    throw new ScenarioError(`principal "${pid}" already exists; a new one is needed`);
  // The live feed repeats scenarios: each repetition hires a new person.
  for (let n = 2; taken(pid); n++) pid = fallback(tenant).replace('@', `-${n}@`);
  const p = basePrincipal(pid, tenant, type, role);
  return {
    entity: { type: 'principal', id: pid },
    tenant: tenant.id,
    utcOffsetH: tenant.utcOffsetH,
    principal: p,
  };
}

/** Resources and models a newcomer of `group` gets: the ones their peers already use. */
function peerHabits(world: World, p: Principal, group: string, rng: Rng): void {
  const types = PEER_RESOURCES[group] ?? [];
  const pool = world.resources.filter(
    (r) => r.tenant === p.tenant && types.includes(r.type) && r.sensitivity !== 'restricted',
  );
  for (let i = 0; i < 4 && pool.length > 0; i++) p.resources.push(rng.pick(pool));
  const peer = world.principals.find((x) => x.role === p.role && x.models.length > 0);
  p.models = peer?.models.slice() ?? [];
}

export const BENIGN_SCENARIOS: ScenarioDef[] = [
  {
    name: 'benign-nightly-job',
    category: 'exfiltration',
    detectors: ['access.volume', 'access.off_hours'],
    benign: true,
    summary:
      'A new nightly backfill job starts and ramps up its volume night after night (first-seen, large, at night).',
    durationMs: 3 * DAY,
    timing: 'night',
    targetDoc: 'id of the new service account (default: svc-backfill-new@<first tenant>)',
    params: {
      gb_first_night: { default: 4, doc: 'gigabytes read the first night' },
      ramp_per_night: { default: 0.5, doc: 'growth of the nightly volume per night (0.5 = +50 %)' },
    },
    target: (ctx, id) => newPrincipal(ctx, id, (t) => `svc-backfill-new@${t.id}`, 'service', 'service'),
    build(ctx, t, pl) {
      const p = t.principal as Principal;
      p.schedule = 'nightly';
      p.activeFrom = pl.start;
      // First run right at the window start, then nightly at the same local time.
      const localH = (((pl.start / HOUR + p.utcOffsetH) % 24) + 24) % 24;
      p.runHourLocal = Math.floor(localH);
      p.runMinute = Math.floor((localH - p.runHourLocal) * 60);
      p.readsPerRun = 30;
      p.readBytesMedian = (Number(pl.params['gb_first_night']) * 1e9) / 30;
      p.rampPerDay = Number(pl.params['ramp_per_night']);
      p.ip = '10.200.9.9';
      peerHabits(ctx.world, p, 'nightly', ctx.rng);
      ctx.world.principals.push(p);
      return [new ServiceActor(p, ctx.rng, pl.start - 1, pl.end)];
    },
  },
  {
    name: 'benign-new-employee',
    category: 'access',
    detectors: ['access.rare_resource', 'access.volume'],
    benign: true,
    summary: "A new data scientist's first days: a principal never seen before, using what their peers use.",
    durationMs: 2 * DAY,
    timing: 'work',
    targetDoc: 'id of the new user (default: new.hire@<first tenant>)',
    params: {},
    target: (ctx, id) => newPrincipal(ctx, id, (t) => `new.hire@${t.id}`, 'user', 'data_scientist'),
    build(ctx, t, pl) {
      const p = t.principal as Principal;
      p.activeFrom = pl.start;
      p.officeStartH = 9;
      p.officeEndH = 17.5;
      p.peakPerHour = 8;
      p.ip = '10.0.77.7';
      peerHabits(ctx.world, p, 'data_scientist', ctx.rng);
      ctx.world.principals.push(p);
      return [new UserActor(p, ctx.rng, ctx.calendar as Calendar, pl.start, pl.end)];
    },
  },
  {
    name: 'benign-maintenance',
    category: 'facility',
    detectors: ['facility.state'],
    benign: true,
    summary:
      'Planned UPS maintenance inside a declared window: state maintenance, firmware and config updated.',
    durationMs: 2 * HOUR,
    timing: 'night',
    targetDoc: 'UPS device id (default: the UPS in the power room of the first site)',
    params: { firmware: { default: 'fw-9.1.0', doc: 'firmware installed during the window' } },
    target: (ctx, id) => deviceTarget(ctx.world, id, 'benign-maintenance', 'ups', 'power-room'),
    build(ctx, t, pl) {
      const d = t.device;
      if (d === undefined) return [];
      const firmware = String(pl.params['firmware']);
      d.effects.maintenance.push({
        start: pl.start,
        end: pl.end,
        tag: ctx.tag,
        firmware,
        configHash: 'c0ffee42',
      });
      ctx.world.maintenance.push({
        site: d.site,
        zone: d.zone,
        device_id: d.id,
        start: new Date(pl.start).toISOString(),
        end: new Date(pl.end).toISOString(),
      });
      return [];
    },
  },
  {
    name: 'benign-model-rollout',
    category: 'drift',
    detectors: ['inference.drift.output'],
    benign: true,
    summary: "A model's new version rolls out; its scores differ slightly from the old version's.",
    durationMs: DAY,
    timing: 'work',
    targetDoc: 'classifier model id (default: the second-busiest classifier)',
    params: { shift_logits: { default: 0.15, doc: 'output difference of the new version, logits' } },
    target: (ctx, id) => modelTarget(ctx.world, id, 'benign-model-rollout', ['classifier'], 1),
    build(ctx, t, pl) {
      const m = t.model;
      if (m === undefined) return [];
      const prev = m.effects.rollout;
      if (prev !== null && prev.at >= pl.start)
        throw new ScenarioError(`benign-model-rollout: ${m.id} already rolls out later`);
      // An earlier rollout becomes the current version; outputs step back and forth by the shift.
      if (prev !== null) m.versions.push(prev.version);
      const last = m.versions[m.versions.length - 1] ?? '1.0.0';
      const version = `${Number(last.split('.')[0]) + 1}.0.0`;
      const step = Number(pl.params['shift_logits']);
      const shift = prev !== null && prev.shift > 0 ? prev.shift - step : (prev?.shift ?? 0) + step;
      pl.params['version'] = version;
      m.effects.rollout = { at: pl.start, version, shift, tag: ctx.tag, tagUntil: pl.end };
      return [];
    },
  },
];
