/**
 * The sites and zones of the facilities, as declared in config (`sites:`), behind the
 * pipeline's SiteLookup: whether a zone is restricted, its maintenance and business-hours
 * calendars, the least plausible travel time between two places, and which zone a
 * console's client address sits in. Built once at boot; every lookup is a map read.
 *
 * Defaults for what config leaves out (README "Sites and zones"):
 * - a zone is restricted when its name says it is a power, UPS, electrical, battery,
 *   generator, switchgear, network (MDF/IDF, meet-me room), cage, vault or secure room;
 * - travel between two different sites: the declared minutes (either direction), else
 *   30 min plus the great-circle distance at 900 km/h when both sites have a location,
 *   else unknown (the caller decides — physical.badge assumes `unknown_site_travel_minutes`);
 * - travel between zones of one site: the declared minutes, else unknown (0 for one zone).
 */
import type { SiteLookup, ZoneInfo } from '../pipeline/environment.ts';

/** One zone's declared attributes (the `sites.<site>.zones.<zone>` config keys). */
export interface ZoneDeclaration {
  restricted?: boolean | undefined;
  maintenance?: readonly string[];
  business_hours?: string | undefined;
  networks?: readonly string[];
  travel_minutes?: Readonly<Record<string, number>>;
}

/** One site's declared attributes (the `sites.<site>` config keys). */
export interface SiteDeclaration {
  time_zone?: string;
  location?: { lat: number; lon: number } | undefined;
  travel_minutes?: Readonly<Record<string, number>>;
  business_hours?: string | undefined;
  maintenance?: readonly string[];
  zones?: Readonly<Record<string, ZoneDeclaration>>;
}

export type SitesDeclaration = Readonly<Record<string, SiteDeclaration>>;

/** Zone names that mean restricted physical access unless config says otherwise. */
export const RESTRICTED_ZONE_NAME =
  /(power|ups|electric|battery|batteries|generator|switchgear|network|mdf|idf|meet-?me|mmr|cage|vault|secure|restricted)/i;

/** Overhead of leaving one site and entering another, minutes. */
export const SITE_TRANSFER_MINUTES = 30;
/** Fastest plausible travel between located sites (a commercial flight), km/h. */
export const TRAVEL_SPEED_KMH = 900;

interface Network {
  base: number;
  mask: number;
  site: string;
  zone: string;
  bits: number;
}

const EARTH_RADIUS_KM = 6371;

function haversineKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** An IPv4 address as an unsigned 32-bit number, or undefined. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

function maskOf(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

export class SiteDirectory implements SiteLookup {
  private readonly zones = new Map<string, ZoneInfo>();
  private readonly networks: Network[] = [];

  constructor(private readonly sites: SitesDeclaration = {}) {
    for (const [siteId, site] of Object.entries(sites)) {
      for (const [zoneId, zone] of Object.entries(site.zones ?? {})) {
        this.zones.set(`${siteId}/${zoneId}`, this.declared(siteId, site, zoneId, zone));
        for (const cidr of zone.networks ?? []) {
          const [addr, bitsText] = cidr.split('/');
          const base = parseIpv4(addr ?? '');
          const bits = Number(bitsText);
          if (base === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) continue;
          const mask = maskOf(bits);
          this.networks.push({ base: (base & mask) >>> 0, mask, site: siteId, zone: zoneId, bits });
        }
      }
    }
    // Longest prefix first, so the most specific network wins.
    this.networks.sort((a, b) => b.bits - a.bits);
  }

  private declared(siteId: string, site: SiteDeclaration, zoneId: string, zone: ZoneDeclaration): ZoneInfo {
    return Object.freeze({
      site: siteId,
      zone: zoneId,
      restricted: zone.restricted ?? RESTRICTED_ZONE_NAME.test(zoneId),
      maintenance: Object.freeze([...new Set([...(site.maintenance ?? []), ...(zone.maintenance ?? [])])]),
      businessHours: zone.business_hours ?? site.business_hours,
    });
  }

  zone(site: string, zone: string): ZoneInfo {
    const key = `${site}/${zone}`;
    let info = this.zones.get(key);
    if (info === undefined) {
      // Undeclared zones (or sites) get the defaults; remembered, so a lookup stays a map read.
      const s = this.sites[site] ?? {};
      info = this.declared(site, s, zone, {});
      this.zones.set(key, info);
    }
    return info;
  }

  travelMinutes(
    from: { site: string; zone: string },
    to: { site: string; zone: string },
  ): number | undefined {
    if (from.site === to.site) {
      if (from.zone === to.zone) return 0;
      const zones = this.sites[from.site]?.zones;
      return zones?.[from.zone]?.travel_minutes?.[to.zone] ?? zones?.[to.zone]?.travel_minutes?.[from.zone];
    }
    const a = this.sites[from.site];
    const b = this.sites[to.site];
    const declared = a?.travel_minutes?.[to.site] ?? b?.travel_minutes?.[from.site];
    if (declared !== undefined) return declared;
    if (a?.location !== undefined && b?.location !== undefined) {
      return SITE_TRANSFER_MINUTES + (haversineKm(a.location, b.location) / TRAVEL_SPEED_KMH) * 60;
    }
    return undefined;
  }

  /** The site's IANA time zone (UTC when undeclared). */
  timeZone(site: string): string {
    return this.sites[site]?.time_zone ?? 'UTC';
  }

  /** The zone whose declared console networks contain `ip` (IPv4), if any. */
  zoneOfAddress(ip: string): { site: string; zone: string } | undefined {
    if (this.networks.length === 0) return undefined;
    const n = parseIpv4(ip);
    if (n === undefined) return undefined;
    for (const net of this.networks) {
      if ((n & net.mask) >>> 0 === net.base) return { site: net.site, zone: net.zone };
    }
    return undefined;
  }

  /** Every calendar name the declaration refers to, with the config path that names it. */
  calendarReferences(): Array<{ path: string; name: string }> {
    const out: Array<{ path: string; name: string }> = [];
    for (const [siteId, site] of Object.entries(this.sites)) {
      if (site.business_hours !== undefined)
        out.push({ path: `sites.${siteId}.business_hours`, name: site.business_hours });
      (site.maintenance ?? []).forEach((name, i) =>
        out.push({ path: `sites.${siteId}.maintenance.${i}`, name }),
      );
      for (const [zoneId, zone] of Object.entries(site.zones ?? {})) {
        const at = `sites.${siteId}.zones.${zoneId}`;
        if (zone.business_hours !== undefined)
          out.push({ path: `${at}.business_hours`, name: zone.business_hours });
        (zone.maintenance ?? []).forEach((name, i) => out.push({ path: `${at}.maintenance.${i}`, name }));
      }
    }
    return out;
  }
}
