/** The access-monitor's detectors, in catalogue order (docs/architecture.md, "Detector catalogue"). */
import { bulkExport } from './bulk-export.ts';
import { crossTenant } from './cross-tenant.ts';
import { deniedBurst } from './denied-burst.ts';
import { offHours } from './off-hours.ts';
import { rareResource } from './rare-resource.ts';
import { volume } from './volume.ts';

export const ACCESS_DETECTORS = [
  volume,
  bulkExport,
  rareResource,
  offHours,
  deniedBurst,
  crossTenant,
] as const;
