/**
 * access.off_hours' configuration: the options the detector reads, and their schema
 * (defaults and the catalogue's descriptions).
 */
import { z } from 'zod';

export interface OffHoursConfig {
  rare_share: number;
  surprise_threshold: number;
  min_events: number;
  prior_days: number;
  pool_weight: number;
  weekly_decay: number;
  learning_hours: number;
  new_principal_grace_days: number;
  min_days_at_hour: number;
}

export const offHoursConfig = {
  rare_share: z
    .number()
    .positive()
    .max(1)
    .default(0.1)
    .describe("An hour is rare when its expected rate is below this share of the principal's busiest hour."),
  surprise_threshold: z
    .number()
    .positive()
    .default(5)
    .describe('Alert when −log10 P(events in the hour) plus the sensitivity bonus reaches this.'),
  min_events: z
    .number()
    .int()
    .min(1)
    .default(3)
    .describe('Events in the sliding hour before a rare hour is judged.'),
  prior_days: z
    .number()
    .positive()
    .default(3)
    .describe("Weight of the role's hour-of-day shape, in pseudo-days."),
  pool_weight: z
    .number()
    .positive()
    .max(1)
    .default(0.5)
    .describe(
      'Share of the hour-of-day evidence (over all days) that an hour-of-week bin borrows as its prior.',
    ),
  weekly_decay: z
    .number()
    .gt(0)
    .max(1)
    .default(0.85)
    .describe('Factor applied to the profile each week (memory of about 6 weeks).'),
  learning_hours: z
    .number()
    .min(0)
    .default(24)
    .describe("Hours of a principal's own history before it is judged; also the partition's bootstrap."),
  new_principal_grace_days: z
    .number()
    .min(0)
    .default(7)
    .describe("Days a principal first seen after the bootstrap is not judged (a new hire's first week)."),
  min_days_at_hour: z
    .number()
    .min(0)
    .default(2)
    .describe(
      'Days the principal must have been observed through an hour of day (±1 h kernel) before that hour is judged.',
    ),
};
