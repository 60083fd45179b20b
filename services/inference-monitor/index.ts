/** inference-monitor: inference logs → extraction, drift and abuse alerts. */
import { monitorService } from '../../shared/runtime/monitor-service.ts';
import { INFERENCE_DETECTORS } from './detectors/index.ts';

export const inferenceMonitor = monitorService({
  name: 'inference-monitor',
  eventType: 'inference',
  detectors: INFERENCE_DETECTORS,
});
