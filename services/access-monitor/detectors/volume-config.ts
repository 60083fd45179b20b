/**
 * access.volume's configuration: the options the detector reads, and their schema
 * (defaults and the catalogue's descriptions).
 */
import { z } from 'zod';
import { MAX_SLOTS } from './volume-state.ts';

export interface VolumeConfig {
  window_minutes: number;
  surprise_threshold: number;
  min_ratio: number;
  role_z: number;
  min_active_hours: number;
  prior_hours: number;
  memory_hours: number;
  pair_slots: number;
  single_read_surprise: number;
  envelope_ratio: number;
  envelope_decay_per_day: number;
  max_single_share: number;
  actions: string[];
}

export const volumeConfig = {
  learning_minutes: z
    .number()
    .min(0)
    .default(720)
    .describe(
      "Event-time minutes after the partition's first event during which findings are dropped (baselines form).",
    ),
  window_minutes: z
    .number()
    .min(60)
    .max(1440)
    .default(60)
    .describe('Sliding window of read volume, minutes (six buckets of at least 10 min).'),
  surprise_threshold: z
    .number()
    .positive()
    .default(8)
    .describe('Alert when the gamma tail probability of the window volume is below 10^-this.'),
  min_ratio: z
    .number()
    .min(1)
    .default(5)
    .describe('The window volume must also be at least this many times the expected.'),
  role_z: z
    .number()
    .default(1)
    .describe("…and above the role's log-mean plus this many role standard deviations of hourly volume."),
  min_active_hours: z
    .number()
    .int()
    .min(1)
    .default(6)
    .describe(
      'Active hours a principal needs before its own baseline alone may alert (earlier: only with a learned role).',
    ),
  prior_hours: z
    .number()
    .positive()
    .default(6)
    .describe("Weight of the role's baseline in a principal's, in pseudo-hours."),
  memory_hours: z
    .number()
    .min(2)
    .default(336)
    .describe('Memory of the exponentially weighted baselines, in active hours.'),
  pair_slots: z
    .number()
    .int()
    .min(1)
    .max(MAX_SLOTS)
    .default(2)
    .describe('Resources per principal with their own hourly baseline (the most recently active).'),
  single_read_surprise: z
    .number()
    .positive()
    .default(12)
    .describe(
      "Alert on one read whose size has a tail probability below 10^-this among the principal's reads.",
    ),
  envelope_ratio: z
    .number()
    .min(1)
    .default(3)
    .describe("…and at least this many times the principal's decayed peak hourly volume (its envelope)."),
  envelope_decay_per_day: z
    .number()
    .min(0)
    .default(0.05)
    .describe('How fast the envelope forgets an old peak, decades (factors of 10) per day.'),
  max_single_share: z
    .number()
    .gt(0)
    .max(1)
    .default(0.5)
    .describe(
      'The window test skips windows where one read is more than this share (one read is judged per read).',
    ),
  actions: z
    .array(z.enum(['read', 'write', 'delete', 'export', 'query', 'list', 'admin']))
    .default(['read', 'query', 'list', 'export'])
    .describe('Actions whose bytes and records count as read.'),
};
