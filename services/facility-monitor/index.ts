/** facility-monitor: UPS, cooling and badge telemetry → facility, physical and cyber-physical alerts. */
import { monitorService } from '../../shared/runtime/monitor-service.ts';
import { FACILITY_DETECTORS } from './detectors/index.ts';

export const facilityMonitor = monitorService({
  name: 'facility-monitor',
  eventType: 'facility',
  detectors: FACILITY_DETECTORS,
});
