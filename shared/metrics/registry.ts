/**
 * Prometheus metrics, defined once. The pipeline updates them per batch (never per event),
 * so the hot path pays nothing for instrumentation.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface VigilMetrics {
  registry: Registry;
  eventsIn: Counter<'service' | 'type'>;
  eventsInvalid: Counter<'service' | 'topic'>;
  alertsOut: Counter<'service' | 'detector' | 'kind'>;
  batchSeconds: Histogram<'service'>;
  detectorSeconds: Counter<'service' | 'detector'>;
  consumerLag: Gauge<'service' | 'topic' | 'partition'>;
  sinkWrites: Counter<'sink' | 'outcome'>;
  lateEvents: Counter<'service' | 'topic'>;
  stateRecords: Counter<'service'>;
  restoreSeconds: Histogram<'service'>;
  restoreFailures: Counter<'service'>;
  outputAlerts: Counter<'output' | 'outcome'>;
  outputRetries: Counter<'output' | 'kind'>;
  outputDeadLetters: Counter<'output' | 'status'>;
  outputCircuit: Gauge<'output'>;
  alertsSuppressed: Counter<'service' | 'rule' | 'detector'>;
  ruleApplied: Counter<'service' | 'rule' | 'detector' | 'effect'>;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): VigilMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'vigil_' });
  const registers = [registry];
  return {
    registry,
    eventsIn: new Counter({
      name: 'vigil_events_in_total',
      help: 'Valid events processed',
      labelNames: ['service', 'type'],
      registers,
    }),
    eventsInvalid: new Counter({
      name: 'vigil_events_invalid_total',
      help: 'Messages rejected by validation and sent to the dead-letter topic',
      labelNames: ['service', 'topic'],
      registers,
    }),
    alertsOut: new Counter({
      name: 'vigil_alerts_out_total',
      help: 'Alerts emitted (kind=new or update)',
      labelNames: ['service', 'detector', 'kind'],
      registers,
    }),
    batchSeconds: new Histogram({
      name: 'vigil_batch_duration_seconds',
      help: 'Time to process one consumed batch, from decode to acknowledged output',
      labelNames: ['service'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    detectorSeconds: new Counter({
      name: 'vigil_detector_seconds_total',
      help: 'CPU time spent inside each detector',
      labelNames: ['service', 'detector'],
      registers,
    }),
    consumerLag: new Gauge({
      name: 'vigil_consumer_lag',
      help: 'Messages behind the high watermark after the last batch',
      labelNames: ['service', 'topic', 'partition'],
      registers,
    }),
    lateEvents: new Counter({
      name: 'vigil_events_late_total',
      help: 'Events older than the allowed lateness behind their partition, sent to the dead-letter topic',
      labelNames: ['service', 'topic'],
      registers,
    }),
    stateRecords: new Counter({
      name: 'vigil_state_records_total',
      help: 'Detector state changelog records committed',
      labelNames: ['service'],
      registers,
    }),
    restoreSeconds: new Histogram({
      name: 'vigil_state_restore_seconds',
      help: 'Time to restore the detector state of newly assigned partitions',
      labelNames: ['service'],
      buckets: [0.01, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    restoreFailures: new Counter({
      name: 'vigil_state_restore_failures_total',
      help: 'Partitions whose detector state could not be restored or read (they are not processed until it can)',
      labelNames: ['service'],
      registers,
    }),
    alertsSuppressed: new Counter({
      name: 'vigil_alerts_suppressed_total',
      help: 'Findings a skip_alert rule kept from raising an alert (each would have been a new alert or an update of one)',
      labelNames: ['service', 'rule', 'detector'],
      registers,
    }),
    ruleApplied: new Counter({
      name: 'vigil_rule_applied_total',
      help: 'Scoped rule applications: events kept from a detector (skip_learning), findings suppressed (skip_alert) or re-graded (set_severity)',
      labelNames: ['service', 'rule', 'detector', 'effect'],
      registers,
    }),
    sinkWrites: new Counter({
      name: 'vigil_sink_writes_total',
      help: 'Alert batches written to sinks',
      labelNames: ['sink', 'outcome'],
      registers,
    }),
    outputAlerts: new Counter({
      name: 'vigil_output_alerts_total',
      help: 'Alerts per alert-sink output by outcome: delivered, dead_lettered, suppressed (false positive), filtered',
      labelNames: ['output', 'outcome'],
      registers,
    }),
    outputRetries: new Counter({
      name: 'vigil_output_retries_total',
      help: 'Delivery attempts that will be retried, by kind (status, network, timeout, ack, dead_letter, error)',
      labelNames: ['output', 'kind'],
      registers,
    }),
    outputDeadLetters: new Counter({
      name: 'vigil_output_dead_letters_total',
      help: 'Alerts a receiver refused for good, sent to the dead-letter topic, by response status',
      labelNames: ['output', 'status'],
      registers,
    }),
    outputCircuit: new Gauge({
      name: 'vigil_output_circuit_state',
      help: 'Circuit breaker of each output: 0 closed, 1 open, 2 half-open',
      labelNames: ['output'],
      registers,
    }),
  };
}
