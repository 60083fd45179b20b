/**
 * inference.extraction.prada's configuration: the keys of its config section (zod, each
 * with its default and description; the common keys are added by defineDetector) and
 * their type.
 */
import { z } from 'zod';

export interface PradaConfig {
  suppression_minutes: number;
  delta: number;
  min_distances: number;
  test_every_queries: number;
  window_hours: number;
  max_distances: number;
  reservoir_per_class: number;
  max_classes: number;
  reservoir_half_life_hours: number;
  max_dims: number;
}

export const PRADA_CONFIG = {
  delta: z
    .number()
    .gt(0)
    .lt(1)
    .default(0.85)
    .describe(
      'Shapiro–Wilk W below which the distance set is judged unnatural (PRADA’s δ). Lower is quieter; see the README for the measured benign and attack ranges.',
    ),
  min_distances: z
    .number()
    .int()
    .min(20)
    .max(5000)
    .default(100)
    .describe('Distances a principal × model needs before it is tested (PRADA tests beyond ~100).'),
  test_every_queries: z
    .number()
    .int()
    .min(1)
    .default(10)
    .describe('Queries between two Shapiro–Wilk tests of one principal × model.'),
  window_hours: z
    .number()
    .gt(0)
    .default(12)
    .describe(
      'Only distances of the last this many hours are tested, so a verdict is about recent queries; a principal needs min_distances queries in it to be judged.',
    ),
  max_distances: z
    .number()
    .int()
    .min(20)
    .max(5000)
    .default(256)
    .describe('Most recent distances kept and tested (Shapiro–Wilk is valid to 5000).'),
  reservoir_per_class: z
    .number()
    .int()
    .min(4)
    .max(256)
    .default(32)
    .describe(
      'Past queries kept per predicted class of a principal × model (the nearest-neighbour reference).',
    ),
  max_classes: z
    .number()
    .int()
    .min(1)
    .max(16)
    .default(4)
    .describe(
      'Predicted classes with their own reservoir per principal × model; queries of further classes are not judged.',
    ),
  reservoir_half_life_hours: z
    .number()
    .gt(0)
    .default(24)
    .describe('Half-life of a past query’s weight in the decayed reservoir sample.'),
  max_dims: z
    .number()
    .int()
    .min(2)
    .max(256)
    .default(32)
    .describe('Wider embeddings are reduced to this many dimensions by a fixed random projection.'),
};
