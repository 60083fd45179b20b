/** Adapts prom-client metrics to the pipeline's PipelineMetrics for one service. */
import type { VigilMetrics } from '../metrics/registry.ts';
import type { PipelineMetrics } from '../pipeline/observer.ts';

export function pipelineMetrics(m: VigilMetrics, service: string): PipelineMetrics {
  return {
    eventsIn: (type, n) => m.eventsIn.inc({ service, type }, n),
    eventsInvalid: (topic, n) => m.eventsInvalid.inc({ service, topic }, n),
    alertsOut: (detector, kind, n) => m.alertsOut.inc({ service, detector, kind }, n),
    batch: (seconds) => m.batchSeconds.observe({ service }, seconds),
    detectorSeconds: (detector, seconds) => m.detectorSeconds.inc({ service, detector }, seconds),
    lag: (topic, partition, lag) => m.consumerLag.set({ service, topic, partition: String(partition) }, lag),
    lateEvents: (topic, n) => m.lateEvents.inc({ service, topic }, n),
    stateRecords: (n) => m.stateRecords.inc({ service }, n),
    restored: (seconds) => m.restoreSeconds.observe({ service }, seconds),
    restoreFailed: (n) => m.restoreFailures.inc({ service }, n),
    ruleApplied: (rule, detector, effect, n) => {
      m.ruleApplied.inc({ service, rule, detector, effect }, n);
      if (effect === 'skip_alert') m.alertsSuppressed.inc({ service, rule, detector }, n);
    },
  };
}
