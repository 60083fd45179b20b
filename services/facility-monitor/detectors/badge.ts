/**
 * physical.badge — physical access control anomalies, in two parts that share the id and
 * one config section:
 *
 * Zone part (facility partitions, keyed by site/zone):
 * - `forced` and `held_open` door alarms (rules: a door forced open is never routine);
 * - denied bursts at a door: within `denied_burst_window_minutes`, k denials out of n
 *   presentations, with k ≥ `denied_burst_min` and a binomial tail P(X ≥ k | n, p) below
 *   `denied_burst_p_value`, p the door's own learned denial rate (prior 1 %) — so a busy
 *   door with many mistyped PINs needs more denials than a quiet one at night;
 * - a restricted zone (per `sites:`, or the default by zone name) entered outside the
 *   badge's learned hours: 24 hour-of-day bins (UTC, ±1 h smoothing) of the badge's
 *   granted entries, of its role's, and of everyone's; an entry is out of hours when fewer
 *   than `rare_hour_fraction` of the badge's entries (and of its role's, once learned)
 *   fall in that hour ± 1. A badge not yet learned is judged by its role, a role not yet
 *   learned by everyone's entries, and before any of them by the zone's business-hours
 *   calendar. Role and everyone's profiles are per site (sites differ in time zone).
 *   Entries during the zone's declared maintenance window are expected at any hour.
 *   Profiles are learned per partition from the zones it holds (facility events are keyed
 *   by zone), which is where the restricted entries are judged.
 *
 * Travel part (re-keyed by badge: internal topic `<facility>.by-badge`): one badge
 * presented at two places faster than travel allows — two sites (declared minutes, or
 * distance from their locations, else `unknown_site_travel_minutes`) or two zones of a
 * site declared far apart. Presentations from several partitions arrive interleaved, so
 * each new one is compared with the badge's recent history (both directions in time),
 * and the alert is dated to the later presentation of the pair: live and replay agree.
 *
 * State: `doors` (recent presentations in the window, decayed denial counts, ≤ 1 KB per
 * door), `badges` and `roles` (24 counts, ≈ 80 bytes each; roles keyed `site|role`), `travel` (≤ 32 recent
 * presentations per badge, ≈ 50 bytes each). Cost per badge event: a few map reads; UPS and
 * cooling events return at once.
 */
import type { BadgeEvent, FacilityEvent } from '../../../shared/events/types.ts';
import { defineDetector, type Detector, type Finding } from '../../../shared/pipeline/detector.ts';
import type { DetectorEnvironment } from '../../../shared/pipeline/environment.ts';
import type { DetectorState, KeyedState } from '../../../shared/pipeline/keyed-state.ts';
import { binomialUpperTail } from '../../../shared/stats/binomial.ts';
import { physicalBadgeConfig, type BadgeConfig } from './badge-config.ts';
import { deniedBurstFinding, doorAlarmFinding, restrictedOffHoursFinding } from './badge-finding.ts';
import { TravelDetector } from './badge-travel.ts';
import { maintenanceWindow, zoneCache, type ZoneCache } from './zones.ts';

const MINUTE = 60_000;
/** Decayed counts are halved past this, so profiles follow slow change and stay bounded. */
const MAX_COUNT = 2000;
/** Prior of a door's denial rate: one denial in a hundred presentations. */
const PRIOR_DENIALS = 1;
const PRIOR_PRESENTATIONS = 100;
/** Presentations kept per door for the burst window. */
const MAX_RECENT = 64;

interface Door {
  /** Recent presentations: [ts, 1 if denied else 0]. */
  r: Array<[number, number]>;
  /** Decayed denials and presentations (the learned rate). */
  a: number;
  b: number;
}

interface Hours {
  /** Granted entries per UTC hour of day. */
  h: number[];
  n: number;
}

const isEntry = (e: BadgeEvent): boolean => e.result === 'granted' && e.direction !== 'out';

function hourShare(p: Hours, hour: number): number {
  const h = p.h;
  return ((h[(hour + 23) % 24] ?? 0) + (h[hour] ?? 0) + (h[(hour + 1) % 24] ?? 0)) / Math.max(1, p.n);
}

function learn(p: Hours, hour: number): void {
  p.h[hour] = (p.h[hour] ?? 0) + 1;
  p.n++;
  if (p.n > MAX_COUNT) {
    p.h = p.h.map((c) => Math.floor(c / 2));
    p.n = p.h.reduce((s, c) => s + c, 0);
  }
}

const newHours = (): Hours => ({ h: new Array<number>(24).fill(0), n: 0 });

/** Role of the profile of every badge's entries at a site (profiles are keyed `site|role`). */
const EVERYONE = '*';

class ZoneBadgeDetector implements Detector<FacilityEvent> {
  private readonly doors: KeyedState<Door>;
  private readonly badges: KeyedState<Hours>;
  private readonly roles: KeyedState<Hours>;
  private readonly zones: ZoneCache;
  private readonly windowMs: number;

  constructor(
    private readonly config: BadgeConfig,
    state: DetectorState,
    private readonly env: DetectorEnvironment,
  ) {
    this.doors = state.keyed('doors');
    this.badges = state.keyed('badges');
    this.roles = state.keyed('roles');
    this.zones = zoneCache(env);
    this.windowMs = config.denied_burst_window_minutes * MINUTE;
  }

  update(event: FacilityEvent): Finding | null {
    if (event.kind !== 'badge') return null;
    switch (event.result) {
      case 'forced':
      case 'held_open':
        return this.doorAlarm(event);
      case 'denied':
        return this.presentation(event, 1);
      case 'granted': {
        this.presentation(event, 0);
        return isEntry(event) ? this.entry(event) : null;
      }
    }
  }

  private doorAlarm(event: BadgeEvent): Finding {
    return doorAlarmFinding(event, this.zones(event.site, event.zone));
  }

  private presentation(event: BadgeEvent, denied: number): Finding | null {
    const door = this.doors.getOrCreate(event.door_id, () => ({ r: [], a: 0, b: 0 }));
    const from = event.ts - this.windowMs;
    let drop = 0;
    while (drop < door.r.length && (door.r[drop]?.[0] ?? 0) < from) drop++;
    if (drop > 0) door.r.splice(0, drop);
    door.r.push([event.ts, denied]);
    if (door.r.length > MAX_RECENT) door.r.shift();
    const rate = (door.a + PRIOR_DENIALS) / (door.b + PRIOR_PRESENTATIONS);
    door.a += denied;
    door.b += 1;
    if (door.b > MAX_COUNT) {
      door.a /= 2;
      door.b /= 2;
    }
    if (denied === 0) return null;
    let k = 0;
    for (const [, d] of door.r) k += d;
    const n = door.r.length;
    if (k < this.config.denied_burst_min) return null;
    const p = binomialUpperTail(k, n, rate);
    if (p >= this.config.denied_burst_p_value) return null;
    return deniedBurstFinding(event, this.config, this.zones(event.site, event.zone), k, n, rate, p);
  }

  private entry(event: BadgeEvent): Finding | null {
    const hour = new Date(event.ts).getUTCHours();
    const role = event.holder_role ?? 'unknown';
    const badge = this.badges.getOrCreate(event.badge_id, newHours);
    // Per site: a partition may hold zones of sites in different time zones.
    const roleHours = this.roles.getOrCreate(`${event.site}|${role}`, newHours);
    const everyone = this.roles.getOrCreate(`${event.site}|${EVERYONE}`, newHours);
    const zone = this.zones(event.site, event.zone);
    let finding: Finding | null = null;
    // A crew entering during the zone's declared maintenance window is expected at any hour.
    if (
      zone.restricted &&
      this.config.watch_restricted_hours &&
      !maintenanceWindow(this.zones, this.env, event).inside
    )
      finding = this.judge(event, hour, badge, roleHours, role, everyone);
    learn(badge, hour);
    learn(roleHours, hour);
    learn(everyone, hour);
    return finding;
  }

  private judge(
    event: BadgeEvent,
    hour: number,
    badge: Hours,
    role: Hours,
    roleName: string,
    everyone: Hours,
  ): Finding | null {
    const f = this.config.rare_hour_fraction;
    const badgeReady = badge.n >= this.config.min_badge_entries;
    const roleReady = role.n >= this.config.min_role_entries;
    const everyoneReady = everyone.n >= this.config.min_role_entries;
    const badgeShare = hourShare(badge, hour);
    const roleShare = hourShare(role, hour);
    let basis: string;
    let observed: number;
    if (badgeReady) {
      if (badgeShare >= f || (roleReady && roleShare >= f)) return null;
      basis = roleReady ? `badge and role ${roleName}` : 'badge';
      observed = badgeShare;
    } else if (roleReady) {
      if (roleShare >= f) return null;
      basis = `role ${roleName}`;
      observed = roleShare;
    } else if (everyoneReady) {
      observed = hourShare(everyone, hour);
      if (observed >= f) return null;
      basis = 'all badges of these zones';
    } else {
      const hours = this.zones(event.site, event.zone).businessHours;
      if (hours === undefined || this.env.calendars.isActive(hours, event.ts)) return null;
      basis = `business hours "${hours}"`;
      observed = 0;
    }
    const learned = badgeReady || roleReady || everyoneReady;
    return restrictedOffHoursFinding(
      event,
      this.config,
      hour,
      roleName,
      basis,
      observed,
      learned,
      badge,
      role,
    );
  }
}

const DESCRIPTION =
  'Denied bursts, forced or held-open doors, restricted zones out of hours, one badge in two places too fast.';

export const physicalBadge = defineDetector({
  id: 'physical.badge',
  eventType: 'facility',
  category: 'physical',
  description: DESCRIPTION,
  config: physicalBadgeConfig,
  create: (config, state, env) => new ZoneBadgeDetector(config, state, env),
});

/** The travel part: the same detector id, on the facility stream re-keyed by badge. */
export const physicalBadgeTravel = defineDetector({
  id: 'physical.badge',
  eventType: 'facility',
  category: 'physical',
  description: DESCRIPTION,
  config: physicalBadgeConfig,
  keyBy: {
    name: 'badge',
    key: (e) =>
      e.kind === 'badge' && (e.result === 'granted' || e.result === 'denied') ? e.badge_id : undefined,
  },
  create: (config, state, env) => new TravelDetector(config, state, env),
});
