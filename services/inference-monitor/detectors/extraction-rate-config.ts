/**
 * inference.extraction.rate's configuration: the keys of its config section (zod, each
 * with its default and description; the common keys are added by defineDetector, and
 * `learning_minutes`, one of them, gets a default of its own here) and their type.
 */
import { z } from 'zod';

export interface RateConfig {
  own_factor: number;
  peer_factor: number;
  peer_quantile: number;
  min_count: number;
  min_surprise: number;
  busy_floor: number;
  own_learning_hours: number;
  profile_alpha: number;
  peer_min_hours: number;
}

export const RATE_CONFIG = {
  learning_minutes: z
    .number()
    .min(0)
    .default(1440)
    .describe(
      'Event-time minutes after a partition first sees data during which findings are dropped: a day, so principals present from the start learn their own baseline before they are judged.',
    ),
  own_factor: z
    .number()
    .gt(1)
    .default(5)
    .describe(
      'The last hour’s count must exceed this multiple of the principal’s own baseline for the hour.',
    ),
  peer_factor: z
    .number()
    .gt(0)
    .default(3)
    .describe('… and this multiple of the peers’ hourly level on the model.'),
  peer_quantile: z
    .number()
    .gt(0.5)
    .lt(1)
    .default(0.95)
    .describe(
      'Quantile of the peers’ hourly counts (active principal-hours on the model) taken as their level.',
    ),
  min_count: z
    .number()
    .int()
    .min(1)
    .default(30)
    .describe('Requests in the last hour below which nothing is judged.'),
  min_surprise: z
    .number()
    .min(0)
    .default(6)
    .describe('−log10 of the Poisson tail P(X ≥ count | own baseline) needed (6 = one in a million).'),
  busy_floor: z
    .number()
    .min(0)
    .max(1)
    .default(0.5)
    .describe(
      'The own baseline of any hour is at least this share of the principal’s busiest hour-of-day level.',
    ),
  own_learning_hours: z
    .number()
    .min(0)
    .default(24)
    .describe(
      'Hours after a principal’s first request to a model before its own baseline is trusted; until then only peers judge.',
    ),
  profile_alpha: z
    .number()
    .gt(0)
    .max(1)
    .default(0.2)
    .describe('Weight of the newest day in each hour-of-day bin of the own baseline.'),
  peer_min_hours: z
    .number()
    .int()
    .min(1)
    .default(50)
    .describe(
      'Principal-hours a model’s peer level needs before it is used (and about a tenth of its memory).',
    ),
};
