/**
 * The correlator's config section, `detectors: { correlation.incident: … }` — read from the
 * same place as every detector's, validated once at boot (the correlator is not an event
 * detector, so the detector registry does not hold it; boot splits its section off).
 */
import { z } from 'zod';
import { formatIssues } from '../../shared/config/index.ts';
import { vigilError } from '../../shared/errors.ts';

export const CORRELATION_INCIDENT = 'correlation.incident';

export const GROUP_DIMENSIONS = ['principal', 'zone', 'site'] as const;
export type GroupDimension = (typeof GROUP_DIMENSIONS)[number];

const severity = z.enum(['info', 'low', 'medium', 'high', 'critical']);

export const incidentConfigSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Turn the correlator on or off.'),
  window_minutes: z
    .number()
    .gt(0)
    .default(60)
    .describe(
      'Alerts sharing a key join one incident when their event-time spans come within this many minutes of each other.',
    ),
  min_streams: z
    .number()
    .int()
    .min(1)
    .max(3)
    .default(2)
    .describe('Distinct input streams (inference, access, facility) an incident needs.'),
  group_by: z
    .array(z.enum(GROUP_DIMENSIONS))
    .min(1)
    .default([...GROUP_DIMENSIONS])
    .describe(
      'What parts must share: a principal (within its tenant), a zone, or a site (a site incident needs parts of two zones).',
    ),
  min_part_severity: severity.default('low').describe('Alerts below this severity never join an incident.'),
  max_parts: z
    .number()
    .int()
    .min(2)
    .max(200)
    .default(50)
    .describe('Most part alerts kept per grouping key (the most recent); bounds the state.'),
  retention_hours: z
    .number()
    .gt(0)
    .default(24)
    .describe('Event-time hours a part is remembered after its last_seen, so late revisions still join.'),
});

export type IncidentConfig = z.infer<typeof incidentConfigSchema>;

/** Parses the section (absent → defaults); every problem is reported with its path. */
export function resolveIncidentConfig(section: unknown): Readonly<IncidentConfig> {
  const parsed = incidentConfigSchema.safeParse(section ?? {});
  if (!parsed.success) {
    const problems = formatIssues(parsed.error.issues, `detectors.${CORRELATION_INCIDENT}`);
    throw vigilError('VGL_ERR_CONFIG_INVALID', [problems.join('; ')], { context: { problems } });
  }
  return Object.freeze(parsed.data);
}

/** The detector sections without the correlator's, and the correlator's resolved config. */
export function splitIncidentSection(sections: Readonly<Record<string, unknown>>): {
  detectors: Record<string, unknown>;
  incident: Readonly<IncidentConfig>;
} {
  const { [CORRELATION_INCIDENT]: incident, ...detectors } = sections;
  return { detectors, incident: resolveIncidentConfig(incident) };
}
