/** The access-monitor's detectors, in catalogue order (docs/architecture.md, "Detector catalogue"). */
import { crossTenant } from './cross-tenant.ts';

export const ACCESS_DETECTORS = [crossTenant] as const;
