/** The facility-monitor's detectors, in catalogue order (docs/architecture.md, "Detector catalogue"). */
import type { DetectorDefinition } from '../../../shared/pipeline/detector.ts';
import { physicalBadge, physicalBadgeTravel } from './badge.ts';
import { cyberPhysicalCorrelation } from './correlation.ts';
import { facilityMetric } from './metric.ts';
import { facilitySilence } from './silence.ts';
import { facilityState } from './state.ts';

export const FACILITY_DETECTORS: readonly DetectorDefinition<'facility'>[] = [
  facilityMetric,
  facilityState,
  facilitySilence,
  physicalBadge,
  physicalBadgeTravel,
  cyberPhysicalCorrelation,
];
