/**
 * inference.behavior's configuration: the keys of its config section (zod, each with its
 * default and description; the common keys are added by defineDetector) and their type.
 */
import { z } from 'zod';

export interface BehaviorConfig {
  token_z: number;
  token_ratio: number;
  min_surprise: number;
  min_count: number;
  min_ratio: number;
  prior_requests: number;
  baseline_half_life_days: number;
  bucket_minutes: number;
  bucket_min_requests: number;
  series_threshold: number;
  series_probation_points: number;
  tool_learning_hours: number;
  tool_learning_calls: number;
  max_known_tools: number;
  internal_domains: string[];
}

export const BEHAVIOR_CONFIG = {
  min_surprise: z
    .number()
    .min(0)
    .default(7)
    .describe('−log10 of the binomial tail a rate finding needs (7: one in ten million per test).'),
  min_count: z
    .number()
    .int()
    .min(1)
    .default(5)
    .describe('Fewest counted events in the last hour for a rate finding.'),
  min_ratio: z
    .number()
    .min(1)
    .default(3)
    .describe('The hour’s count must also be at least this multiple of the expected count.'),
  prior_requests: z
    .number()
    .min(0)
    .default(50)
    .describe(
      'Weight (in requests) of the model’s rate in a principal’s baseline: a newcomer is judged against the model.',
    ),
  baseline_half_life_days: z
    .number()
    .gt(0)
    .default(7)
    .describe('Half-life of the long-run counts behind the baselines.'),
  token_z: z
    .number()
    .gt(0)
    .default(6)
    .describe(
      'z of the last hour’s mean log tokens per request above the principal’s own, for a token spike.',
    ),
  token_ratio: z
    .number()
    .gt(1)
    .default(2)
    .describe('… and the hour’s geometric mean must be at least this multiple of the usual.'),
  bucket_minutes: z
    .number()
    .gt(0)
    .default(30)
    .describe(
      'Length of a bucket of the per-model latency and output-token series (each closed bucket is one point of each univariate series).',
    ),
  bucket_min_requests: z
    .number()
    .int()
    .min(1)
    .default(20)
    .describe('Requests a bucket needs before it closes (a quiet model’s buckets are longer).'),
  series_threshold: z
    .number()
    .gt(0)
    .max(1)
    .default(0.7)
    .describe('Score of the univariate detector (0–1) that raises a token or latency finding.'),
  series_probation_points: z
    .number()
    .int()
    .min(0)
    .default(100)
    .describe('Buckets a token or latency series learns before it may alert.'),
  tool_learning_hours: z
    .number()
    .min(0)
    .default(24)
    .describe(
      'Hours after a principal’s first tool call during which its tools and destinations are only learned.',
    ),
  tool_learning_calls: z
    .number()
    .int()
    .min(0)
    .default(20)
    .describe('… and tool calls it must have made before a first-seen one alerts.'),
  max_known_tools: z
    .number()
    .int()
    .min(4)
    .max(256)
    .default(32)
    .describe('Tools plus destinations remembered per principal × model (the stalest is forgotten beyond).'),
  internal_domains: z
    .array(z.string().min(1))
    .default([
      'internal',
      'local',
      'localhost',
      'corp',
      'lan',
      'intranet',
      'svc',
      'cluster.local',
      'home.arpa',
    ])
    .describe(
      'A destination is internal when its host is, or ends with, one of these domains, or (for single labels) contains it as a label; private addresses and bare resource paths are internal too.',
    ),
};
