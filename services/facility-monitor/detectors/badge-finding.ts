/**
 * physical.badge's zone-part findings, one per kind: a door alarm, a denied burst at a
 * door, a restricted zone entered out of hours. Each explains the rule or statistic that
 * decided (badge.ts), the numbers it saw and the door, badge and zone.
 */
import type { BadgeEvent, Severity } from '../../../shared/events/types.ts';
import type { Finding } from '../../../shared/pipeline/detector.ts';
import type { ZoneInfo } from '../../../shared/pipeline/environment.ts';
import type { BadgeConfig } from './badge-config.ts';

/** A door forced or held open: never routine, whatever the hour. */
export function doorAlarmFinding(event: BadgeEvent, zone: ZoneInfo): Finding {
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

/** `k` of the `n` presentations in the window denied, `p` their binomial tail at the door's `rate`. */
export function deniedBurstFinding(
  event: BadgeEvent,
  config: BadgeConfig,
  zone: ZoneInfo,
  k: number,
  n: number,
  rate: number,
  p: number,
): Finding {
  const surprise = -Math.log10(Math.max(p, 1e-300));
  return {
    entity: { type: 'zone', id: `${event.site}/${event.zone}` },
    severity: zone.restricted ? 'high' : 'medium',
    score: Math.min(95, 50 + 5 * surprise),
    title: `Denied burst at door ${event.door_id}: ${k} of ${n} presentations denied`,
    description:
      `${k} of the last ${n} presentations at door ${event.door_id} (${event.site}/${event.zone}) within ` +
      `${config.denied_burst_window_minutes} min were denied, against a learned denial rate of ` +
      `${(rate * 100).toFixed(2)} %; P(≥ ${k}) = ${p.toExponential(1)} < ${config.denied_burst_p_value}.`,
    explanation: {
      statistic: 'binomial tail of denials in the window',
      observed: k,
      expected: Math.round(rate * n * 1000) / 1000,
      threshold: config.denied_burst_p_value,
      window: `${config.denied_burst_window_minutes} min sliding`,
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

/**
 * An entry of a restricted zone outside the hours of `basis`: a learned profile, whose share
 * of the hour ± 1 is `observed`, or (not `learned`) the zone's business-hours calendar.
 */
export function restrictedOffHoursFinding(
  event: BadgeEvent,
  config: BadgeConfig,
  hour: number,
  roleName: string,
  basis: string,
  observed: number,
  learned: boolean,
  badge: { readonly n: number },
  role: { readonly n: number },
): Finding {
  const f = config.rare_hour_fraction;
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
