/** access-monitor: data-access events → exfiltration and access alerts. */
import { monitorService } from '../../shared/runtime/monitor-service.ts';
import { ACCESS_DETECTORS } from './detectors/index.ts';

export const accessMonitor = monitorService({
  name: 'access-monitor',
  eventType: 'access',
  detectors: ACCESS_DETECTORS,
});
