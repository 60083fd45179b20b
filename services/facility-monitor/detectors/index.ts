/** The facility-monitor's detectors, in catalogue order (docs/architecture.md, "Detector catalogue"). */
import type { DetectorDefinition } from '../../../shared/pipeline/detector.ts';
import { facilityMetric } from './metric.ts';

export const FACILITY_DETECTORS: readonly DetectorDefinition<'facility'>[] = [facilityMetric];
