/** The access-monitor's detectors, in catalogue order (DESIGN.md §4). */
import { crossTenant } from './cross-tenant.ts';

export const ACCESS_DETECTORS = [crossTenant] as const;
