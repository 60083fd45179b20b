/** The inference-monitor's detectors, in catalogue order (docs/architecture.md, "Detector catalogue"). */
import type { DetectorDefinition } from '../../../shared/pipeline/detector.ts';

export const INFERENCE_DETECTORS: readonly DetectorDefinition<'inference'>[] = [];
