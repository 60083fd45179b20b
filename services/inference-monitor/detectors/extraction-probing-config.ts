/**
 * inference.extraction.probing's configuration: the keys of its config section (zod, each
 * with its default and description; the common keys are added by defineDetector) and
 * their type.
 */
import { z } from 'zod';

export interface ProbingConfig {
  near_width: number;
  near_buckets: number;
  min_share: number;
  rate_floor: number;
  min_surprise: number;
  min_logprobs_per_hour: number;
  logprobs_factor: number;
  own_learning_hours: number;
}

export const PROBING_CONFIG = {
  near_width: z
    .number()
    .gt(0)
    .default(0.3)
    .describe(
      'Bucket width of each LSH projection, as a multiple of the model’s spread of that projection: queries much closer than this are near-duplicates.',
    ),
  near_buckets: z
    .number()
    .int()
    .min(8)
    .max(16)
    .default(14)
    .describe('Buckets (of 16) two queries must share to count as near-duplicates.'),
  min_share: z
    .number()
    .gt(0)
    .max(1)
    .default(0.5)
    .describe(
      'Share of the last 32 queries that must be near-duplicates (or one-feature steps) for a finding.',
    ),
  rate_floor: z
    .number()
    .gt(0)
    .lt(1)
    .default(0.02)
    .describe('Lowest own near-duplicate / one-feature-step rate assumed in the binomial test.'),
  min_surprise: z
    .number()
    .min(0)
    .default(6)
    .describe('−log10 of the tail probability a signal needs (6 = one in a million).'),
  min_logprobs_per_hour: z
    .number()
    .int()
    .min(1)
    .default(60)
    .describe('Full-probability requests in the last hour below which that signal is quiet.'),
  logprobs_factor: z
    .number()
    .gt(1)
    .default(5)
    .describe('… and the multiple of the principal’s own hourly level they must exceed.'),
  own_learning_hours: z
    .number()
    .min(0)
    .default(24)
    .describe(
      'Hours after a principal’s first request before its own logprobs level is trusted (before, it counts as 0).',
    ),
};
