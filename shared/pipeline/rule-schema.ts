/**
 * The shape of a scoped rule, shared by the config file's `rules:`, the rules API and
 * rule proposals, so a rule means the same wherever it was written. Checks that need only
 * the rule (regexes compile, set_severity has a severity, expiry parses) are here;
 * references to calendars and detectors are checked by `ruleReferenceProblems`, where
 * those are known.
 */
import { z } from 'zod';

export const RULE_EFFECTS = ['skip_alert', 'skip_learning', 'set_severity'] as const;
export type RuleEffect = (typeof RULE_EFFECTS)[number];

export const RULE_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const ENTITY_TYPES = ['model', 'principal', 'device', 'zone', 'badge', 'site'] as const;

const FIELD_PATH = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/;
const scalar = z.union([z.string().max(4096), z.number(), z.boolean()]);

/** A value test: exact, any of a list, a prefix, or a regular expression (JavaScript syntax). */
export const valueMatcherSchema = z.union([
  scalar,
  z.array(scalar).min(1).max(1000),
  z.strictObject({ prefix: z.string().min(1).max(4096) }),
  z.strictObject({ regex: z.string().min(1).max(1000) }),
]);
export type ValueMatcher = z.infer<typeof valueMatcherSchema>;

const matchSchema = z.strictObject({
  detectors: z
    .array(z.string().regex(/^[A-Za-z0-9_.*?]{1,128}$/, 'a detector id or glob, e.g. "access.*"'))
    .min(1)
    .optional()
    .describe('Detector ids or globs (* any run of characters, ? one); default every detector.'),
  entity: z
    .strictObject({
      type: z.union([z.enum(ENTITY_TYPES), z.array(z.enum(ENTITY_TYPES)).min(1)]).optional(),
      id: valueMatcherSchema.optional(),
    })
    .optional()
    .describe(
      "The alert's entity; for skip_learning, any entity the event names (model, principal, device…).",
    ),
  tenant: valueMatcherSchema.optional(),
  site: valueMatcherSchema.optional().describe('Facility events: the site.'),
  zone: valueMatcherSchema.optional().describe('Facility events: the zone.'),
  fields: z
    .record(z.string(), valueMatcherSchema)
    .optional()
    .describe(
      'Any event field by name or dotted path, e.g. {"action": "export", "prediction.label": "cat"}.',
    ),
});

export const ruleSchema = z
  .strictObject({
    id: z.string().regex(RULE_ID, 'rule ids are 1–128 of letters, digits, _.:-'),
    reason: z.string().trim().min(1, 'say why the rule exists').max(2000),
    effect: z.enum(RULE_EFFECTS),
    severity: z
      .enum(['info', 'low', 'medium', 'high', 'critical'])
      .optional()
      .describe('The severity set_severity gives matching findings.'),
    match: matchSchema,
    expires: z
      .string()
      .optional()
      .describe(
        'RFC 3339; the rule stops applying to events dated from then on (event time, not wall clock).',
      ),
    calendar: z.string().min(1).optional().describe("Applies only to events inside this calendar's windows."),
    created_by: z.string().max(256).optional(),
    created_at: z.string().max(64).optional(),
  })
  .superRefine((rule, ctx) => {
    const issue = (path: Array<string | number>, message: string): void =>
      ctx.addIssue({ code: 'custom', path, message });
    if (rule.effect === 'set_severity' && rule.severity === undefined)
      issue(['severity'], 'set_severity needs a severity');
    if (rule.effect !== 'set_severity' && rule.severity !== undefined)
      issue(['severity'], `only set_severity takes a severity, not ${rule.effect}`);
    if (rule.expires !== undefined && Number.isNaN(Date.parse(rule.expires)))
      issue(['expires'], 'expected an RFC 3339 date-time, e.g. 2026-06-30T00:00:00Z');
    const m = rule.match;
    for (const key of Object.keys(m.fields ?? {}))
      if (!FIELD_PATH.test(key))
        issue(['match', 'fields', key], 'a field name or dotted path, e.g. prediction.label');
    if (Object.values(m).every((v) => v === undefined))
      issue(['match'], 'give at least one condition (use detectors: ["*"] to mean every event)');
    const regexes: Array<[Array<string | number>, ValueMatcher | undefined]> = [
      [['match', 'entity', 'id'], m.entity?.id],
      [['match', 'tenant'], m.tenant],
      [['match', 'site'], m.site],
      [['match', 'zone'], m.zone],
      ...Object.entries(m.fields ?? {}).map(([k, v]): [Array<string | number>, ValueMatcher] => [
        ['match', 'fields', k],
        v,
      ]),
    ];
    for (const [path, matcher] of regexes) {
      if (typeof matcher !== 'object' || matcher === null || !('regex' in matcher)) continue;
      try {
        new RegExp(matcher.regex);
      } catch (err) {
        issue([...path, 'regex'], `not a valid regular expression: ${(err as Error).message}`);
      }
    }
  });

export type RuleConfig = z.infer<typeof ruleSchema>;

export const rulesSchema = z.array(ruleSchema).max(10_000).default([]);

/** Problems with what rules refer to (paths relative to the rule list), and duplicate ids. */
export function ruleReferenceProblems(
  rules: readonly RuleConfig[],
  known: { calendars?: (name: string) => boolean; detectorIds?: readonly string[] },
): Array<{ path: Array<string | number>; message: string }> {
  const problems: Array<{ path: Array<string | number>; message: string }> = [];
  const seen = new Set<string>();
  rules.forEach((rule, i) => {
    if (seen.has(rule.id)) problems.push({ path: [i, 'id'], message: `duplicate rule id "${rule.id}"` });
    seen.add(rule.id);
    if (rule.calendar !== undefined && known.calendars !== undefined && !known.calendars(rule.calendar))
      problems.push({ path: [i, 'calendar'], message: `no calendar named "${rule.calendar}" in calendars:` });
    const ids = known.detectorIds;
    if (ids === undefined) return;
    rule.match.detectors?.forEach((glob, j) => {
      const re = globRegExp(glob);
      if (!ids.some((id) => re.test(id)))
        problems.push({
          path: [i, 'match', 'detectors', j],
          message: `matches no detector (known: ${ids.join(', ')})`,
        });
    });
  });
  return problems;
}

/** `access.*` → /^access\..*$/; `?` is one character. */
export function globRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}
