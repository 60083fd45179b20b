/**
 * What the pipeline reports about itself. The wiring adapts these to pino and
 * prom-client, so the pipeline depends on neither.
 */
export interface PipelineLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface PipelineMetrics {
  eventsIn(type: string, n: number): void;
  eventsInvalid(topic: string, n: number): void;
  alertsOut(detector: string, kind: 'new' | 'update', n: number): void;
  batch(seconds: number): void;
  detectorSeconds(detector: string, seconds: number): void;
  lag(topic: string, partition: number, lag: number): void;
  /** Events dead-lettered as late. */
  lateEvents(topic: string, n: number): void;
  /** Changelog records committed. */
  stateRecords(n: number): void;
  /** A state restore finished. */
  restored(seconds: number, records: number): void;
  /** Partitions whose state could not be restored (they wait and retry). */
  restoreFailed(partitions: number): void;
  /** A scoped rule skipped `n` events (skip_learning) or suppressed or re-graded `n` findings. */
  ruleApplied(rule: string, detector: string, effect: string, n: number): void;
}

export const NO_METRICS: PipelineMetrics = {
  eventsIn: () => {},
  eventsInvalid: () => {},
  alertsOut: () => {},
  batch: () => {},
  detectorSeconds: () => {},
  lag: () => {},
  lateEvents: () => {},
  stateRecords: () => {},
  restored: () => {},
  restoreFailed: () => {},
  ruleApplied: () => {},
};
