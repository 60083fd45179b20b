/** The facility-monitor's detectors, in catalogue order (DESIGN.md §4). */
import type { DetectorDefinition } from '../../../shared/pipeline/detector.ts';
import { facilityMetric } from './metric.ts';

export const FACILITY_DETECTORS: readonly DetectorDefinition<'facility'>[] = [facilityMetric];
