/**
 * The `sites:` section: the data centres, their zones and what detectors must know about
 * them — time zone, where the site is (for travel times between sites), which zones are
 * restricted, which calendars are their maintenance windows and business hours, and which
 * client networks are consoles inside a zone. Zones and sites left out get the documented
 * defaults (shared/sites/site-directory.ts).
 */
import { z } from 'zod';

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

function validCidr(text: string): boolean {
  const m = IPV4_CIDR.exec(text);
  if (m === null) return false;
  const parts = m.slice(1, 5).map(Number);
  return parts.every((p) => p <= 255) && Number(m[5]) <= 32;
}

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const calendarName = z.string().min(1);
const minutesTo = z
  .record(z.string().min(1), z.number().min(0))
  .default({})
  .describe('Least plausible minutes to get from here to the named place (either direction).');

export const zoneConfigSchema = z.strictObject({
  restricted: z
    .boolean()
    .optional()
    .describe(
      'Physical access is restricted. Default: by name — power, UPS, electrical, battery, generator, switchgear, network/MDF/IDF, cage, vault, secure rooms are restricted.',
    ),
  maintenance: z
    .array(calendarName)
    .default([])
    .describe(
      "Calendars whose windows are maintenance windows for the zone's devices (added to the site's).",
    ),
  business_hours: calendarName
    .optional()
    .describe("Calendar of the zone's business hours (default: the site's)."),
  networks: z
    .array(z.string().refine(validCidr, 'expected an IPv4 CIDR such as 10.20.1.0/24'))
    .default([])
    .describe(
      'Client networks (IPv4 CIDR) of consoles inside the zone: alerts naming a client_ip there belong to the zone.',
    ),
  travel_minutes: minutesTo.describe(
    'Least minutes to reach another zone of the same site, for zones declared far apart (other buildings).',
  ),
});

export const siteConfigSchema = z.strictObject({
  time_zone: z
    .string()
    .refine(validTimeZone, 'expected an IANA time zone such as Europe/Berlin')
    .default('UTC')
    .describe('IANA time zone of the site (local hours in alert descriptions).'),
  location: z
    .strictObject({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) })
    .optional()
    .describe(
      'Where the site is; travel between two located sites takes 30 min plus the distance at 900 km/h.',
    ),
  travel_minutes: minutesTo.describe('Least minutes to reach another site; overrides the distance estimate.'),
  business_hours: calendarName.optional().describe("Calendar of the site's business hours."),
  maintenance: z.array(calendarName).default([]).describe('Maintenance calendars of every zone of the site.'),
  zones: z.record(z.string().min(1), zoneConfigSchema).default({}),
});

export const sitesSchema = z
  .record(z.string().min(1), siteConfigSchema)
  .default({})
  .describe('Sites by id (the `site` of facility events), with their zones by id.');

export type SitesConfig = z.infer<typeof sitesSchema>;
export type SiteConfig = z.infer<typeof siteConfigSchema>;
export type ZoneConfig = z.infer<typeof zoneConfigSchema>;
