/** The inference-monitor's detectors, in catalogue order (docs/architecture.md, "Detector catalogue"). */
import type { DetectorDefinition } from '../../../shared/pipeline/detector.ts';
import { behavior } from './behavior.ts';
import { driftInput } from './drift-input.ts';
import { driftOutput } from './drift-output.ts';
import { extractionPrada } from './extraction-prada.ts';
import { extractionProbing } from './extraction-probing.ts';
import { extractionRate } from './extraction-rate.ts';

export const INFERENCE_DETECTORS: readonly DetectorDefinition<'inference'>[] = [
  extractionRate,
  extractionPrada,
  extractionProbing,
  driftOutput,
  driftInput,
  behavior,
];
