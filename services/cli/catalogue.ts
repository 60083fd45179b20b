/** Every detector of every service: the catalogue of docs/architecture.md ("Detector catalogue") as implemented. */
import type { DetectorDefinition } from '../../shared/pipeline/detector.ts';
import { ACCESS_DETECTORS } from '../access-monitor/detectors/index.ts';
import { FACILITY_DETECTORS } from '../facility-monitor/detectors/index.ts';
import { INFERENCE_DETECTORS } from '../inference-monitor/detectors/index.ts';

export const ALL_DETECTORS: readonly DetectorDefinition[] = [
  ...INFERENCE_DETECTORS,
  ...ACCESS_DETECTORS,
  ...FACILITY_DETECTORS,
];
