/**
 * physical.badge's config section and its type, shared by the zone part (badge.ts) and the
 * travel part (badge-travel.ts).
 */
import { z } from 'zod';

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

export type BadgeConfig = z.infer<z.ZodObject<typeof physicalBadgeConfig>>;
