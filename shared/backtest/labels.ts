/**
 * Label files for backtests. Two forms:
 * - the simulator's `labels.json`: an array of labels, complete ground truth — every attack
 *   in the events is labelled, so an alert matching no attack label is a false alert;
 * - `vigil feedback export` output: `{"source":"feedback","complete":false,"labels":[…]}` —
 *   analysts' verdicts on some alerts: resolved alerts as attacks, false-positive marks as
 *   benign labels. Unlabelled alerts are unknown, so only false-positive marks count as false.
 */
import { z } from 'zod';
import { formatIssues } from '../config/index.ts';
import { vigilError } from '../errors.ts';
import type { Label } from '../simulate/label.ts';

const ENTITY_TYPES = ['model', 'principal', 'device', 'zone', 'badge', 'site'] as const;
const time = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an RFC 3339 date-time');

const labelSchema = z.object({
  name: z.string().min(1),
  category: z.string().default('access'),
  detectors: z.array(z.string().min(1)).min(1),
  entity: z.object({ type: z.enum(ENTITY_TYPES), id: z.string().min(1) }),
  tenant: z.string().default('default'),
  start: time,
  end: time,
  benign: z.boolean().optional(),
  params: z.record(z.string(), z.unknown()).default({}),
});

const arraySchema = z.array(labelSchema);
const objectSchema = z.object({
  source: z.string().optional(),
  complete: z.boolean().optional(),
  exported_at: z.string().optional(),
  labels: z.array(labelSchema),
});

export interface LabelSet {
  labels: Label[];
  /** Every attack in the events is labelled (simulator ground truth). */
  complete: boolean;
}

export function parseLabels(json: unknown, source = 'labels'): LabelSet {
  // Two schemas tried by shape (not a union), so problems name the exact path.
  const parsed = Array.isArray(json) ? arraySchema.safeParse(json) : objectSchema.safeParse(json);
  if (!parsed.success) {
    const problems = formatIssues(parsed.error.issues, '');
    throw vigilError('VGL_ERR_LABELS_INVALID', [source, problems.slice(0, 5).join('; ')], {
      context: { problems },
    });
  }
  const data = parsed.data;
  // Detector ids in labels are strings from files; unknown ones simply never match an alert.
  if (Array.isArray(data)) return { labels: data as unknown as Label[], complete: true };
  return { labels: data.labels as unknown as Label[], complete: data.complete ?? data.source !== 'feedback' };
}
