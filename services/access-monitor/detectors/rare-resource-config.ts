/**
 * access.rare_resource's configuration: the options the detector reads, and their schema
 * (defaults and the catalogue's descriptions).
 */
import { z } from 'zod';

export interface RareResourceConfig {
  novelty: 'resource' | 'prefix';
  learning_hours: number;
  min_active_days: number;
  new_principal_grace_days: number;
  memory_days: number;
  principal_bits: number;
  role_bits: number;
}

export const rareResourceConfig = {
  novelty: z
    .enum(['resource', 'prefix'])
    .default('prefix')
    .describe(
      'Least novelty that alerts: a new resource, or a new prefix or owner/type (a new sensitivity of a known type only adds score).',
    ),
  learning_hours: z
    .number()
    .min(0)
    .default(24)
    .describe("Hours a principal must have been seen before it is judged; also the partition's bootstrap."),
  min_active_days: z
    .number()
    .int()
    .min(1)
    .default(2)
    .describe('Days with activity a principal needs before it is judged.'),
  new_principal_grace_days: z
    .number()
    .min(0)
    .default(7)
    .describe(
      'Days a principal first seen after the bootstrap only alerts on restricted kinds new to its role.',
    ),
  memory_days: z
    .number()
    .positive()
    .default(30)
    .describe('Rotation period of the first-seen sets; items are forgotten after 1–2 periods.'),
  principal_bits: z
    .number()
    .int()
    .min(256)
    .max(65536)
    .multipleOf(32)
    .default(768)
    .describe('Bits per generation of a principal first-seen set.'),
  role_bits: z
    .number()
    .int()
    .min(1024)
    .max(1048576)
    .multipleOf(32)
    .default(32768)
    .describe('Bits per generation of a role first-seen set.'),
};
