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
import { z } from 'zod';
import type { BadgeEvent, FacilityEvent, Severity } from '../../../shared/events/types.ts';
import { defineDetector, type Detector, type Finding } from '../../../shared/pipeline/detector.ts';
import type { DetectorEnvironment } from '../../../shared/pipeline/environment.ts';
import type { DetectorState, KeyedState } from '../../../shared/pipeline/keyed-state.ts';
import { binomialUpperTail } from '../../../shared/stats/binomial.ts';
import { maintenanceWindow, zoneCache, type ZoneCache } from './zones.ts';

/** One config object for both parts (two definitions of one id declare the same keys). */
export const physicalBadgeConfig = {
  min_severity: z
    .enum(['info', 'low', 'medium', 'high', 'critical'])
    .default('low')
    .describe(
      'Findings below this severity are dropped; a held-open door of an unrestricted zone is info (a propped door, not a SOC matter).',
    ),
  denied_burst_window_minutes: z
    .number()
    .gt(0)
    .default(10)
    .describe('Sliding event-time window in which denials at one door are counted.'),
  denied_burst_min: z
    .number()
    .int()
    .min(1)
    .default(3)
    .describe('Fewest denials in the window that can make a burst.'),
  denied_burst_p_value: z
    .number()
    .gt(0)
    .max(1)
    .default(1e-4)
    .describe("Binomial tail under the door's learned denial rate below which the denials are a burst."),
  watch_restricted_hours: z
    .boolean()
    .default(true)
    .describe('Alert on restricted-zone entries outside the badge’s (or its role’s) learned hours.'),
  rare_hour_fraction: z
    .number()
    .gt(0)
    .max(1)
    .default(0.01)
    .describe('An hour (± 1) holding less than this share of a profile’s entries is outside its hours.'),
  min_badge_entries: z
    .number()
    .int()
    .min(1)
    .default(10)
    .describe('Entries before a badge’s own hours are trusted.'),
  min_role_entries: z
    .number()
    .int()
    .min(1)
    .default(30)
    .describe('Entries before a role’s (or everyone’s) hours are trusted.'),
  unknown_site_travel_minutes: z
    .number()
    .min(0)
    .default(60)
    .describe('Least travel time assumed between two different sites when `sites:` says nothing of them.'),
  travel_history: z
    .number()
    .int()
    .min(1)
    .max(256)
    .default(32)
    .describe(
      'Presentations kept per badge for the travel check, newest by event time. It is also the disorder tolerated: presentations arrive from several input partitions, which can be hours apart after a backlog, and one pushed out by later ones can no longer pair with a presentation arriving after it.',
    ),
};

type BadgeConfig = z.infer<z.ZodObject<typeof physicalBadgeConfig>>;

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
    const zone = this.zones(event.site, event.zone);
    const forced = event.result === 'forced';
    const severity: Severity = forced ? 'high' : zone.restricted ? 'medium' : 'info';
    const what = forced ? 'forced open' : 'held open';
    return {
      entity: { type: 'zone', id: `${event.site}/${event.zone}` },
      severity,
      score: forced ? (zone.restricted ? 90 : 80) : zone.restricted ? 60 : 40,
      title: `Door ${event.door_id} ${what}${zone.restricted ? ' (restricted zone)' : ''}`,
      description:
        `Door ${event.door_id} of ${zone.restricted ? 'restricted ' : ''}zone ${event.site}/${event.zone} ` +
        `reported "${event.result}" at ${new Date(event.ts).toISOString()}, expected only granted or denied presentations.`,
      explanation: {
        statistic: 'door alarm rule',
        observed: event.result,
        expected: 'granted or denied presentations',
        threshold: 'any forced or held-open alarm',
        window: 'per event',
        kind: event.result,
        door: event.door_id,
        badge: event.badge_id,
        site: event.site,
        zone: event.zone,
        restricted: zone.restricted,
      },
      episodeKey: `${event.result}:${event.door_id}`,
    };
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
    const zone = this.zones(event.site, event.zone);
    const surprise = -Math.log10(Math.max(p, 1e-300));
    return {
      entity: { type: 'zone', id: `${event.site}/${event.zone}` },
      severity: zone.restricted ? 'high' : 'medium',
      score: Math.min(95, 50 + 5 * surprise),
      title: `Denied burst at door ${event.door_id}: ${k} of ${n} presentations denied`,
      description:
        `${k} of the last ${n} presentations at door ${event.door_id} (${event.site}/${event.zone}) within ` +
        `${this.config.denied_burst_window_minutes} min were denied, against a learned denial rate of ` +
        `${(rate * 100).toFixed(2)} %; P(≥ ${k}) = ${p.toExponential(1)} < ${this.config.denied_burst_p_value}.`,
      explanation: {
        statistic: 'binomial tail of denials in the window',
        observed: k,
        expected: Math.round(rate * n * 1000) / 1000,
        threshold: this.config.denied_burst_p_value,
        window: `${this.config.denied_burst_window_minutes} min sliding`,
        kind: 'denied_burst',
        p_value: p,
        presentations: n,
        denial_rate: rate,
        door: event.door_id,
        badge: event.badge_id,
        site: event.site,
        zone: event.zone,
        restricted: zone.restricted,
      },
      episodeKey: `denied:${event.door_id}`,
    };
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
    const stamp = new Date(event.ts).toISOString();
    return {
      entity: { type: 'badge', id: event.badge_id },
      severity: learned ? 'high' : 'medium',
      score: learned ? 80 : 60,
      title: `Badge ${event.badge_id} entered restricted zone ${event.site}/${event.zone} out of hours`,
      description:
        `Badge ${event.badge_id} (${roleName}) was granted into restricted zone ${event.site}/${event.zone} ` +
        `at ${stamp}; ${learned ? `${(observed * 100).toFixed(1)} % of its ${basis} entries fall within an hour of ${hour}:00 UTC, under ${(f * 100).toFixed(1)} %` : `outside ${basis}`}.`,
      explanation: {
        statistic: learned ? 'share of learned entries in the hour ± 1 (UTC)' : 'business-hours calendar',
        observed: Math.round(observed * 10_000) / 10_000,
        expected: learned ? `≥ ${f}` : 'inside business hours',
        threshold: f,
        window: learned ? `hour-of-day profile of ${badge.n} badge and ${role.n} role entries` : 'calendar',
        kind: 'restricted_off_hours',
        basis,
        hour_utc: hour,
        badge_entries: badge.n,
        role_entries: role.n,
        door: event.door_id,
        badge: event.badge_id,
        role: roleName,
        site: event.site,
        zone: event.zone,
      },
      techniques: ['T0859'],
      episodeKey: `restricted:${event.site}/${event.zone}`,
    };
  }
}

/** [ts, site, zone, event id] */
type Presentation = [number, string, string, string];

class TravelDetector implements Detector<FacilityEvent> {
  private readonly travel: KeyedState<Presentation[]>;

  constructor(
    private readonly config: BadgeConfig,
    state: DetectorState,
    private readonly env: DetectorEnvironment,
  ) {
    this.travel = state.keyed('travel');
  }

  private minutesBetween(a: Presentation, b: { site: string; zone: string }): number | undefined {
    const declared = this.env.sites.travelMinutes({ site: a[1], zone: a[2] }, b);
    if (declared !== undefined) return declared;
    return a[1] !== b.site ? this.config.unknown_site_travel_minutes : undefined;
  }

  update(event: FacilityEvent): Finding | null {
    if (event.kind !== 'badge' || (event.result !== 'granted' && event.result !== 'denied')) return null;
    const history = this.travel.getOrCreate(event.badge_id, () => []);
    if (history.some((p) => p[3] === event.event_id)) return null;
    let worst: { p: Presentation; minutes: number; gap: number } | undefined;
    for (const p of history) {
      if (p[1] === event.site && p[2] === event.zone) continue;
      const minutes = this.minutesBetween(p, event);
      if (minutes === undefined || minutes <= 0) continue;
      const gap = Math.abs(event.ts - p[0]) / MINUTE;
      if (gap >= minutes) continue;
      if (worst === undefined || gap / minutes < worst.gap / worst.minutes) worst = { p, minutes, gap };
    }
    const entry: Presentation = [event.ts, event.site, event.zone, event.event_id];
    let i = history.length;
    while (i > 0 && (history[i - 1]?.[0] ?? 0) > event.ts) i--;
    history.splice(i, 0, entry);
    // Keep the newest presentations; older ones are outside any plausible travel time.
    while (history.length > this.config.travel_history) history.shift();
    return worst === undefined ? null : this.finding(event, worst);
  }

  private finding(event: BadgeEvent, w: { p: Presentation; minutes: number; gap: number }): Finding {
    const [ts, site, zone, id] = w.p;
    const [first, second] =
      ts <= event.ts
        ? [`${site}/${zone}`, `${event.site}/${event.zone}`]
        : [`${event.site}/${event.zone}`, `${site}/${zone}`];
    const at = Math.max(ts, event.ts);
    return {
      entity: { type: 'badge', id: event.badge_id },
      severity: 'high',
      score: Math.min(95, 70 + 25 * (1 - w.gap / w.minutes)),
      title: `Badge ${event.badge_id} at ${first} and ${second} ${w.gap.toFixed(1)} min apart`,
      description:
        `Badge ${event.badge_id} was presented at ${first} and then at ${second} ${w.gap.toFixed(1)} min later, ` +
        `against a least travel time of ${Math.round(w.minutes)} min: a cloned or shared badge.`,
      explanation: {
        statistic: 'time between presentations at two places vs least travel time',
        observed: Math.round(w.gap * 10) / 10,
        expected: Math.round(w.minutes * 10) / 10,
        threshold: Math.round(w.minutes * 10) / 10,
        window: `last ${this.config.travel_history} presentations of the badge`,
        unit: 'minutes',
        kind: 'impossible_travel',
        from: first,
        to: second,
        badge: event.badge_id,
        role: event.holder_role ?? 'unknown',
        site: event.site,
        zone: event.zone,
      },
      techniques: ['T0859'],
      episodeKey: 'travel',
      at,
      sampleEventIds: ts <= event.ts ? [id, event.event_id] : [event.event_id, id],
    };
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
