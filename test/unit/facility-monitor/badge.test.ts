import { describe, expect, it } from 'vitest';
import type { BadgeEvent, FacilityEvent } from '../../../shared/events/types.ts';
import { SiteDirectory } from '../../../shared/sites/site-directory.ts';
import { physicalBadge, physicalBadgeTravel } from '../../../services/facility-monitor/detectors/badge.ts';
import { FACILITY_DETECTORS } from '../../../services/facility-monitor/detectors/index.ts';
import { DetectorRunner } from '../../harness/detector-runner.ts';
import { fixedWindowCalendars } from '../../harness/facility-environment.ts';
import { badge, defaultEnvironment, facilityWorld, HOUR, merged, MINUTE } from './helpers.ts';

const zonePart = (env = defaultEnvironment(), overrides: Record<string, unknown> = {}) =>
  new DetectorRunner(physicalBadge, overrides, undefined, env);
const travelPart = (env = defaultEnvironment(), overrides: Record<string, unknown> = {}) =>
  new DetectorRunner(physicalBadgeTravel, overrides, undefined, env);
const badges = (events: FacilityEvent[]): BadgeEvent[] =>
  events.filter((e): e is BadgeEvent => e.kind === 'badge');

describe('physical.badge', { timeout: 120_000 }, () => {
  it('registers two parts of one id that share one config section', () => {
    expect(FACILITY_DETECTORS).toContain(physicalBadge);
    expect(FACILITY_DETECTORS).toContain(physicalBadgeTravel);
    expect(physicalBadgeTravel.id).toBe(physicalBadge.id);
    expect(physicalBadgeTravel.keyBy?.name).toBe('badge');
    expect(physicalBadge.keyBy).toBeUndefined();
    const a = physicalBadge.config.parse({});
    expect(physicalBadgeTravel.config.parse({})).toEqual(a);
    expect(a).toMatchObject({
      denied_burst_min: 3,
      denied_burst_window_minutes: 10,
      unknown_site_travel_minutes: 60,
    });
  });

  it('re-keys only presentations, by badge', () => {
    const key = physicalBadgeTravel.keyBy!.key;
    const at = { site: 'fra1', zone: 'hall-1' };
    expect(key(badge(0, { ...at, badge_id: 'B1', result: 'granted' }))).toBe('B1');
    expect(key(badge(0, { ...at, badge_id: 'B1', result: 'denied' }))).toBe('B1');
    expect(key(badge(0, { ...at, badge_id: 'no-badge', result: 'forced' }))).toBeUndefined();
  });

  it('stays quiet on a normal week: office hours, mistyped PINs, restricted rooms by day', () => {
    const { events } = facilityWorld(8, []);
    expect(zonePart().findings(badges(events))).toEqual([]);
    expect(travelPart().findings(badges(events))).toEqual([]);
  });

  it('finds the forced and held-open power-room door of the intrusion, on the zone', () => {
    const { events } = facilityWorld(2, [{ name: 'power-room-intrusion', start: '+1d1h' }]);
    const found = zonePart().findings(badges(events));
    expect(
      found.map((f) => `${f.entity.type}:${f.entity.id} ${f.explanation['kind']} ${f.severity}`),
    ).toEqual(['zone:fra1/power-room forced high', 'zone:fra1/power-room held_open medium']);
    expect(found[0]!.explanation).toMatchObject({ restricted: true, door: 'fra1-power-room-door-1' });
  });

  it('finds a denied burst at a quiet door, and not two mistyped PINs', () => {
    const { events } = facilityWorld(2, []);
    const at = { site: 'fra1', zone: 'hall-2', badge_id: 'B99999' };
    const night = Date.parse('2026-03-03T23:00:00Z');
    const two = [0, 1].map((i) => badge(night + i * 30_000, { ...at, result: 'denied' }));
    expect(zonePart().findings(merged(badges(events), two))).toEqual([]);
    const five = [0, 1, 2, 3, 4].map((i) => badge(night + i * 30_000, { ...at, result: 'denied' }));
    const found = zonePart().findings(merged(badges(events), five));
    // The third denial makes the burst; later ones update the same episode.
    expect(found).toHaveLength(3);
    expect(found[0]).toMatchObject({
      entity: { type: 'zone', id: 'fra1/hall-2' },
      severity: 'medium',
      episodeKey: 'denied:fra1-hall-2-door-1',
    });
    expect(found[0]!.explanation).toMatchObject({
      statistic: 'binomial tail of denials in the window',
      observed: 3,
    });
    expect(found[0]!.explanation['p_value'] as number).toBeLessThan(1e-4);
  });

  it('needs more denials at a door that often denies', () => {
    const at = { site: 's', zone: 'lobby', badge_id: 'B1' };
    const history: BadgeEvent[] = [];
    // A lobby with a 20 % denial rate over a day, then 3 denials among 8 presentations.
    for (let i = 0; i < 500; i++)
      history.push(
        badge(i * 2 * MINUTE, { ...at, badge_id: `B${i % 37}`, result: i % 5 === 0 ? 'denied' : 'granted' }),
      );
    const t = 1000 * 2 * MINUTE + 5 * HOUR;
    const burst = [0, 1, 2, 3, 4, 5, 6, 7].map((i) =>
      badge(t + i * MINUTE, { ...at, result: i % 3 === 0 ? 'denied' : 'granted' }),
    );
    expect(zonePart().findings([...history, ...burst])).toEqual([]);
  });

  it('finds a restricted zone entered far outside the learned hours of its badge and role', () => {
    const { events } = facilityWorld(8, []);
    const b = badges(events);
    const night = Date.parse('2026-03-09T02:10:00Z');
    const entry = badge(night, {
      site: 'fra1',
      zone: 'network-room',
      badge_id: 'B10014',
      holder_role: 'facilities',
      result: 'granted',
    });
    const found = zonePart().findings(merged(b, [entry]));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      entity: { type: 'badge', id: 'B10014' },
      severity: 'high',
      techniques: ['T0859'],
      episodeKey: 'restricted:fra1/network-room',
    });
    expect(found[0]!.explanation).toMatchObject({
      kind: 'restricted_off_hours',
      hour_utc: 2,
      zone: 'network-room',
    });
    // The same entry into an unrestricted hall is nobody's business.
    const hall = { ...entry, zone: 'hall-1', event_id: 'hall-entry' };
    expect(zonePart().findings(merged(b, [hall]))).toEqual([]);
    // …unless the sites config says the hall is restricted.
    const env = {
      ...defaultEnvironment(),
      sites: new SiteDirectory({ fra1: { zones: { 'hall-1': { restricted: true } } } }),
    };
    expect(
      zonePart(env)
        .findings(merged(b, [hall]))
        .map((f) => f.explanation['kind']),
    ).toEqual(['restricted_off_hours']);
  });

  it('falls back to the zone business-hours calendar before anything is learned', () => {
    const night = Date.parse('2026-03-09T02:10:00Z');
    const entry = badge(night, { site: 'fra1', zone: 'power-room', badge_id: 'B1', result: 'granted' });
    expect(zonePart().findings([entry])).toEqual([]);
    const env = {
      calendars: fixedWindowCalendars({ office: [[night - 20 * HOUR, night - 10 * HOUR]] }),
      sites: new SiteDirectory({ fra1: { business_hours: 'office' } }),
    };
    const found = zonePart(env).findings([entry]);
    expect(found.map((f) => [f.severity, f.explanation['basis']])).toEqual([
      ['medium', 'business hours "office"'],
    ]);
  });

  it('finds one badge at two sites faster than travel allows, whatever order the partitions deliver', () => {
    const { events, sim } = facilityWorld(2, [{ name: 'badge-impossible-travel', start: '+1d10h' }]);
    const label = sim.labels[0]!;
    const b = badges(events);
    const found = travelPart().findings(b);
    expect(found).toHaveLength(1);
    const f = found[0]!;
    expect(f).toMatchObject({
      entity: { type: 'badge', id: label.entity.id },
      severity: 'high',
      techniques: ['T0859'],
    });
    expect(f.explanation).toMatchObject({
      from: 'fra1/hall-1',
      to: 'iad1/hall-1',
      expected: 60,
      kind: 'impossible_travel',
    });
    expect(f.explanation.observed).toBeCloseTo(7, 0);
    // Two partitions' batches interleave: iad1's events first, then fra1's.
    const reordered = [...b.filter((e) => e.site === 'iad1'), ...b.filter((e) => e.site === 'fra1')];
    const again = travelPart().findings(reordered);
    expect(again.map((x) => [x.at, x.sampleEventIds])).toEqual([[f.at, f.sampleEventIds]]);
  });

  it('takes declared travel times: far zones of one site, and sites close enough', () => {
    const at = (ts: number, site: string, zone: string) =>
      badge(ts, { site, zone, badge_id: 'B7', result: 'granted' });
    const walk = [
      at(0, 'fra1', 'hall-1'),
      at(5 * MINUTE, 'fra1', 'hall-9'),
      at(8 * MINUTE, 'fra2', 'hall-1'),
    ];
    expect(
      travelPart()
        .findings(walk)
        .map((f) => f.explanation['to']),
    ).toEqual(['fra2/hall-1']);
    const env = {
      ...defaultEnvironment(),
      sites: new SiteDirectory({
        fra1: { travel_minutes: { fra2: 2 }, zones: { 'hall-9': { travel_minutes: { 'hall-1': 15 } } } },
      }),
    };
    expect(
      travelPart(env)
        .findings(walk)
        .map((f) => f.explanation['to']),
    ).toEqual(['fra1/hall-9']);
  });

  it('state through its changelog records equals an uninterrupted run, for both parts', () => {
    const { events } = facilityWorld(2, [
      { name: 'power-room-intrusion', start: '+1d1h' },
      { name: 'badge-impossible-travel', start: '+1d10h' },
    ]);
    const b = badges(events);
    for (const make of [zonePart, travelPart]) {
      const expected = make().run(b);
      const d = make();
      const cut = Math.floor(b.length / 2);
      const first = d.run(b.slice(0, cut));
      d.restart();
      expect([...first, ...d.run(b.slice(cut))]).toEqual(expected);
    }
  });

  it('keeps small state per badge and per door', () => {
    const { events } = facilityWorld(8, []);
    const zone = zonePart();
    zone.run(badges(events));
    const stats = Object.fromEntries(zone.stats().map((s) => [s.store.split('/')[1], s.keys]));
    expect(stats['badges']).toBeGreaterThan(30);
    expect(zone.stateBytes() / (stats['badges']! + stats['doors']! + stats['roles']!)).toBeLessThan(400);
    const travel = travelPart();
    travel.run(badges(events));
    const keys = travel.stats().find((s) => s.store === 'physical.badge/travel')!.keys;
    // ≤ 32 presentations of ≈ 55 bytes: busy badges fill it over a simulated week.
    expect(travel.stateBytes() / keys).toBeLessThan(32 * 60);
  });
});
