import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../shared/config/index.ts';
import { EMPTY_ENVIRONMENT } from '../../../shared/pipeline/environment.ts';
import { buildEnvironment, buildSites } from '../../../shared/runtime/environment.ts';
import { parseIpv4, SiteDirectory } from '../../../shared/sites/site-directory.ts';

const problems = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (err) {
    return ((err as { context?: { problems?: string[] } }).context?.problems ?? []) as string[];
  }
  throw new Error('expected a config error');
};

const declared = new SiteDirectory({
  fra1: {
    time_zone: 'Europe/Berlin',
    location: { lat: 50.11, lon: 8.68 },
    business_hours: 'fra1-office',
    maintenance: ['fra1-weekly'],
    zones: {
      'power-room': { maintenance: ['ups-quarterly'] },
      'hall-1': {
        restricted: true,
        business_hours: 'hall-shifts',
        networks: ['10.20.1.0/24', '10.20.0.0/16'],
      },
      'hall-9': { travel_minutes: { 'hall-1': 12 } },
      'cage-1': { restricted: false },
    },
  },
  iad1: { location: { lat: 38.95, lon: -77.45 } },
  ams1: { travel_minutes: { fra1: 240 } },
});

describe('SiteDirectory', () => {
  it('applies the documented restricted default by zone name, unless declared', () => {
    const d = new SiteDirectory();
    for (const z of [
      'power-room',
      'ups-2',
      'electrical',
      'battery-room',
      'network-room',
      'MDF',
      'cage-4',
      'vault',
      'secure-lab',
    ])
      expect(d.zone('x', z).restricted, z).toBe(true);
    for (const z of ['hall-1', 'office', 'loading-dock', 'lobby'])
      expect(d.zone('x', z).restricted, z).toBe(false);
    expect(declared.zone('fra1', 'cage-1').restricted).toBe(false);
    expect(declared.zone('fra1', 'hall-1').restricted).toBe(true);
  });

  it("merges the site's maintenance calendars into each zone's, and inherits business hours", () => {
    expect(declared.zone('fra1', 'power-room')).toEqual({
      site: 'fra1',
      zone: 'power-room',
      restricted: true,
      maintenance: ['fra1-weekly', 'ups-quarterly'],
      businessHours: 'fra1-office',
    });
    expect(declared.zone('fra1', 'hall-1').businessHours).toBe('hall-shifts');
    // An undeclared zone of a declared site still gets the site's calendars.
    expect(declared.zone('fra1', 'hall-2')).toMatchObject({
      maintenance: ['fra1-weekly'],
      restricted: false,
    });
    expect(declared.zone('nowhere', 'hall-2')).toMatchObject({ maintenance: [], businessHours: undefined });
  });

  it('knows travel times: declared (either direction), from locations, or unknown', () => {
    const at = (site: string, zone = 'hall-1') => ({ site, zone });
    expect(declared.travelMinutes(at('fra1'), at('fra1'))).toBe(0);
    expect(declared.travelMinutes(at('fra1', 'hall-1'), at('fra1', 'hall-9'))).toBe(12);
    expect(declared.travelMinutes(at('fra1', 'hall-2'), at('fra1', 'hall-3'))).toBeUndefined();
    expect(declared.travelMinutes(at('fra1'), at('ams1'))).toBe(240);
    // Frankfurt to Dulles: ≈ 6,520 km at 900 km/h plus 30 min.
    expect(declared.travelMinutes(at('fra1'), at('iad1'))).toBeCloseTo(30 + (6520 / 900) * 60, -1);
    expect(declared.travelMinutes(at('iad1'), at('sin1'))).toBeUndefined();
  });

  it("maps a console's address to its zone, most specific network first", () => {
    expect(declared.zoneOfAddress('10.20.1.44')).toEqual({ site: 'fra1', zone: 'hall-1' });
    expect(declared.zoneOfAddress('10.20.7.1')).toEqual({ site: 'fra1', zone: 'hall-1' });
    expect(declared.zoneOfAddress('10.21.0.1')).toBeUndefined();
    expect(declared.zoneOfAddress('not-an-ip')).toBeUndefined();
    expect(parseIpv4('256.1.1.1')).toBeUndefined();
    expect(parseIpv4('1.2.3.4')).toBe(0x01020304);
  });

  it('lists the calendars it refers to, with their config paths', () => {
    expect(declared.calendarReferences().map((r) => `${r.path}=${r.name}`)).toEqual([
      'sites.fra1.business_hours=fra1-office',
      'sites.fra1.maintenance.0=fra1-weekly',
      'sites.fra1.zones.power-room.maintenance.0=ups-quarterly',
      'sites.fra1.zones.hall-1.business_hours=hall-shifts',
    ]);
    expect(declared.timeZone('fra1')).toBe('Europe/Berlin');
    expect(declared.timeZone('iad1')).toBe('UTC');
  });
});

describe('sites config', () => {
  it('is validated once, with every bad path listed', () => {
    const bad = problems(() =>
      resolveConfig({
        env: {},
        overrides: {
          sites: {
            fra1: {
              time_zone: 'Mars/Olympus',
              location: { lat: 123, lon: 0 },
              zones: { hall: { networks: ['10.0.0.0/33'], colour: 'red' } },
            },
          },
        },
      }),
    );
    expect(bad.join('\n')).toMatch(/config\.sites\.fra1\.time_zone: expected an IANA time zone/);
    expect(bad.join('\n')).toMatch(/config\.sites\.fra1\.location\.lat/);
    expect(bad.join('\n')).toMatch(/config\.sites\.fra1\.zones\.hall\.networks\.0: expected an IPv4 CIDR/);
    expect(bad.join('\n')).toMatch(/config\.sites\.fra1\.zones\.hall: Unrecognized key/);
  });

  it('becomes the SiteLookup of the detector environment', () => {
    const config = resolveConfig({
      env: {},
      overrides: {
        sites: { fra1: { time_zone: 'Europe/Berlin', zones: { 'hall-1': { restricted: true } } } },
      },
    });
    const env = buildEnvironment(config);
    expect(env.sites.zone('fra1', 'hall-1').restricted).toBe(true);
    expect(env.sites.zone('fra1', 'power-room').restricted).toBe(true);
  });

  it('rejects calendars nobody declared', () => {
    const config = resolveConfig({
      env: {},
      overrides: { sites: { fra1: { zones: { 'power-room': { maintenance: ['ups-window'] } } } } },
    });
    expect(problems(() => buildSites(config, EMPTY_ENVIRONMENT.calendars))).toEqual([
      'sites.fra1.zones.power-room.maintenance.0: unknown calendar "ups-window" (declare it under calendars:)',
    ]);
    const known = { has: (n: string) => n === 'ups-window', isActive: () => false };
    expect(buildSites(config, known).zone('fra1', 'power-room').maintenance).toEqual(['ups-window']);
  });
});
