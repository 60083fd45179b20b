/**
 * access.bulk_export's configuration: the options the detector reads, and their schema
 * (defaults and the catalogue's descriptions).
 */
import { z } from 'zod';
import { RESOURCE_TYPES } from '../../../shared/events/types.ts';

export interface BulkExportConfig {
  bulk_types: string[];
  allowance_sd: number;
  threshold: number;
  min_ratio: number;
  min_ops: number;
  min_role_ops: number;
  role_evidence_weight: number;
  prior_ops: number;
  half_life_minutes: number;
  memory_ops: number;
  sensitivity_weights: { public: number; internal: number; confidential: number; restricted: number };
}

export const bulkExportConfig = {
  bulk_types: z
    .array(z.enum(RESOURCE_TYPES))
    .default(['vector_index', 'feature_store', 'dataset', 'model_artifact'])
    .describe(
      'Resource types whose reads and queries count as bulk reads (exports of any type always count).',
    ),
  allowance_sd: z.number().min(0).default(3).describe('CUSUM allowance: z-scores up to this add nothing.'),
  threshold: z
    .number()
    .positive()
    .default(8)
    .describe('CUSUM level that alerts (in weighted standard deviations).'),
  min_ratio: z
    .number()
    .min(1)
    .default(20)
    .describe('The operation must also be at least this many times the typical size.'),
  min_ops: z
    .number()
    .int()
    .min(2)
    .default(10)
    .describe("Operations of a class before the principal's own baseline is used."),
  min_role_ops: z
    .number()
    .int()
    .min(2)
    .default(100)
    .describe("Operations of a class the role needs before its baseline stands in for a principal's."),
  role_evidence_weight: z
    .number()
    .min(0)
    .max(1)
    .default(0.5)
    .describe(
      "Weight of CUSUM evidence when the baseline is the role's (a principal without its own history).",
    ),
  learning_minutes: z
    .number()
    .min(0)
    .default(720)
    .describe(
      "Event-time minutes after the partition's first event during which findings are dropped (baselines form).",
    ),
  prior_ops: z
    .number()
    .positive()
    .default(10)
    .describe("Weight of the role's spread in a principal's, in pseudo-operations."),
  half_life_minutes: z
    .number()
    .positive()
    .default(30)
    .describe('Half-life of the CUSUM, minutes: evidence spread over days does not add up.'),
  memory_ops: z.number().min(2).default(500).describe('Memory of the per-class baselines, in operations.'),
  sensitivity_weights: z
    .strictObject({
      public: z.number().min(0).default(0.5),
      internal: z.number().min(0).default(1),
      confidential: z.number().min(0).default(1.5),
      restricted: z.number().min(0).default(2),
    })
    .default({ public: 0.5, internal: 1, confidential: 1.5, restricted: 2 })
    .describe("Multiplier of the CUSUM increment by the data's sensitivity."),
};
