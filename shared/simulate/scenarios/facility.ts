/**
 * Attacks and faults in the data centre: a forced door into the power room followed by a
 * UPS configuration change and bypass, a cooling unit failing slowly, a UPS gone silent,
 * and one badge at two sites minutes apart.
 */
import type { BadgeEvent } from '../../events/types.ts';
import { HOUR, MINUTE } from '../calendar.ts';
import type { Emitter } from '../engine.ts';
import type { Badge, Site, World } from '../world-types.ts';
import { ScriptActor, type ScriptStep } from './actors.ts';
import { deviceTarget } from './targets.ts';
import { ScenarioError, type ScenarioDef, type Target } from './types.ts';

function badgeEvent(
  ctx: Emitter,
  ts: number,
  tenant: string,
  site: Site,
  zoneId: string,
  badge: string,
  role: string,
  result: BadgeEvent['result'],
): BadgeEvent {
  const zone = site.zones.find((z) => z.id === zoneId);
  return {
    type: 'facility',
    event_id: ctx.id(),
    ts,
    tenant,
    source: 'pacs',
    site: site.id,
    zone: zoneId,
    kind: 'badge',
    badge_id: badge,
    door_id: zone?.doors[0] ?? `${site.id}-${zoneId}-door-1`,
    result,
    direction: 'in',
    holder_role: role,
  };
}

function zoneTarget(world: World, id: string | undefined, what: string): Target {
  const [siteId, zoneId] = (id ?? `${world.sites[0]?.id ?? ''}/power-room`).split('/');
  const site = world.sites.find((s) => s.id === siteId);
  const zone = site?.zones.find((z) => z.id === zoneId);
  if (site === undefined || zone === undefined)
    throw new ScenarioError(`${what}: no zone "${id}" (use site/zone)`);
  return {
    entity: { type: 'zone', id: `${site.id}/${zone.id}` },
    tenant: world.operator,
    utcOffsetH: site.utcOffsetH,
    site,
    zone,
  };
}

function badgeTarget(world: World, id: string | undefined, what: string): Target {
  const b: Badge | undefined =
    id !== undefined ? world.badges.find((x) => x.id === id) : world.badges.find((x) => x.role === 'staff');
  if (b === undefined) throw new ScenarioError(`${what}: no badge "${id ?? 'staff'}" in this world`);
  const site = world.sites.find((s) => s.id === b.site);
  return {
    entity: { type: 'badge', id: b.id },
    tenant: world.operator,
    utcOffsetH: site?.utcOffsetH ?? 0,
    badge: b,
    site,
  };
}

export const FACILITY_SCENARIOS: ScenarioDef[] = [
  {
    name: 'power-room-intrusion',
    category: 'cyber_physical',
    detectors: ['physical.badge', 'facility.state', 'cyber_physical.correlation'],
    summary:
      'Denied badge attempts and a forced door into the power room at night, then a UPS config change and bypass.',
    durationMs: 45 * MINUTE,
    timing: 'night',
    targetDoc: 'zone as site/zone (default: <first site>/power-room)',
    params: {
      config_after_min: { default: 8, doc: 'minutes from the forced door to the UPS config change' },
      bypass_after_min: {
        default: 10,
        doc: 'minutes from the forced door to the UPS bypass (lasts to the end)',
      },
    },
    target: (ctx, id) => zoneTarget(ctx.world, id, 'power-room-intrusion'),
    build(ctx, t, pl) {
      const site = t.site as Site;
      const zone = t.zone;
      const ups = zone?.devices.find((d) => d.kind === 'ups');
      if (zone === undefined || ups === undefined)
        throw new ScenarioError('power-room-intrusion: the zone has no UPS');
      const badge =
        ctx.world.badges.find((b) => b.role === 'contractor' && b.site === site.id)?.id ?? 'B-unknown';
      const tenant = ctx.world.operator;
      const t0 = pl.start;
      const cfg = t0 + Number(pl.params['config_after_min']) * MINUTE;
      const byp = t0 + Number(pl.params['bypass_after_min']) * MINUTE;
      ups.effects.configChange.push({ at: cfg, configHash: 'deadbeef', tag: ctx.tag, tagUntil: pl.end });
      ups.effects.bypass.push({ start: byp, end: pl.end, tag: ctx.tag });
      pl.params['device'] = ups.id;
      const steps: ScriptStep[] = [
        [t0, (c, ts) => badgeEvent(c, ts, tenant, site, zone.id, badge, 'contractor', 'denied')],
        [t0 + 40_000, (c, ts) => badgeEvent(c, ts, tenant, site, zone.id, badge, 'contractor', 'denied')],
        [t0 + 95_000, (c, ts) => badgeEvent(c, ts, tenant, site, zone.id, 'no-badge', 'unknown', 'forced')],
        [
          t0 + 160_000,
          (c, ts) => badgeEvent(c, ts, tenant, site, zone.id, 'no-badge', 'unknown', 'held_open'),
        ],
      ];
      return [new ScriptActor(steps)];
    },
  },
  {
    name: 'cooling-failure',
    category: 'facility',
    detectors: ['facility.metric'],
    summary:
      'A cooling unit failing slowly: supply and return temperatures and fan speed creep up while flow drops.',
    durationMs: 6 * HOUR,
    timing: 'any',
    targetDoc: 'cooling device id (default: the unit in hall-1 of the first site)',
    params: {},
    target: (ctx, id) => deviceTarget(ctx.world, id, 'cooling-failure', 'cooling', 'hall-1'),
    build(ctx, t, pl) {
      t.device?.effects.degrade.push({ start: pl.start, end: pl.end, tag: ctx.tag });
      return [];
    },
  },
  {
    name: 'ups-silent',
    category: 'facility',
    detectors: ['facility.silence'],
    summary: 'A UPS stops reporting (sensor or poller gone dark) for the window.',
    durationMs: 2 * HOUR,
    timing: 'any',
    targetDoc: 'UPS device id (default: the UPS in hall-2 of the first site)',
    params: {},
    target: (ctx, id) => deviceTarget(ctx.world, id, 'ups-silent', 'ups', 'hall-2'),
    build(ctx, t, pl) {
      t.device?.effects.silent.push({ start: pl.start, end: pl.end, tag: ctx.tag });
      return [];
    },
  },
  {
    name: 'badge-impossible-travel',
    category: 'physical',
    detectors: ['physical.badge'],
    summary: 'One badge granted at two sites minutes apart (a cloned badge).',
    durationMs: 10 * MINUTE,
    timing: 'work',
    targetDoc: 'badge id (default: the first staff badge)',
    params: { gap_min: { default: 7, doc: 'minutes between the two sites' } },
    target: (ctx, id) => badgeTarget(ctx.world, id, 'badge-impossible-travel'),
    build(ctx, t, pl) {
      const home = t.site as Site;
      const b = t.badge as Badge;
      const away = ctx.world.sites.find((s) => s.id !== home.id);
      if (away === undefined) throw new ScenarioError('badge-impossible-travel: the world has one site');
      const gap = Math.min(Number(pl.params['gap_min']) * MINUTE, pl.end - pl.start - 1);
      const tenant = ctx.world.operator;
      const entrance = (s: Site): string => s.zones[0]?.id ?? 'hall-1';
      pl.params['sites'] = [home.id, away.id];
      return [
        new ScriptActor([
          [pl.start, (c, ts) => badgeEvent(c, ts, tenant, home, entrance(home), b.id, b.role, 'granted')],
          [
            pl.start + gap,
            (c, ts) => badgeEvent(c, ts, tenant, away, entrance(away), b.id, b.role, 'granted'),
          ],
        ]),
      ];
    },
  },
];
