/**
 * The vocabulary of alert delivery: an item is one alert revision taken from the alerts
 * topic (with where it came from, for the dead-letter record), a transport sends items to
 * one receiver and says, per item, whether it was taken, should be tried again, or was
 * refused for good.
 */
import type { Alert } from '../../../shared/events/types.ts';

export interface DeliveryItem {
  alert: Alert;
  /**
   * Idempotency id, `<alert_id>:<event_count>`: the same on every retry and every
   * redelivery of this revision, so a receiver can drop what it already has.
   */
  id: string;
  source: { topic: string; partition: number; offset: string };
  key: Buffer | null;
  /** The message as it was on the alerts topic, for the dead-letter record. */
  raw: Buffer;
}

/** Items that the receiver refused for their content: retrying cannot help. */
export interface Rejection {
  items: DeliveryItem[];
  /** HTTP status, or 0 for a refusal without one. */
  status: number;
  /** The start of the receiver's answer, for the analyst reading the dead-letter topic. */
  excerpt: string;
}

/**
 * The result of one attempt. Items in neither `retry` nor `rejected` were delivered.
 * `retryAfterMs` is the receiver's own Retry-After, when it gave one.
 */
export interface SendOutcome {
  retry?: Retry;
  rejected?: Rejection[];
}

/** Why items are tried again; `kind` labels the retry metric, `reason` is for the log. */
export interface Retry {
  items: DeliveryItem[];
  kind: 'status' | 'network' | 'timeout' | 'ack' | 'dead_letter' | 'error';
  reason: string;
  retryAfterMs?: number;
}

export interface Transport {
  /** Most items per `send` (1 for one-message-per-alert webhooks). */
  readonly batchMax: number;
  /**
   * One attempt. Network failures are reported as `retry`, not thrown; a throw is treated
   * the same way. Must give up promptly when `signal` aborts.
   */
  send(items: readonly DeliveryItem[], signal: AbortSignal): Promise<SendOutcome>;
  close(): Promise<void>;
}

export type OutputOutcome = 'delivered' | 'dead_lettered' | 'suppressed' | 'filtered';
export type CircuitState = 'closed' | 'open' | 'half_open';

/** What an output reports; index.ts adapts it to the Prometheus registry. */
export interface OutputMetrics {
  alerts(outcome: OutputOutcome, n: number): void;
  retry(kind: Retry['kind']): void;
  deadLetter(status: number, n: number): void;
  circuit(state: CircuitState): void;
}

export const NO_OUTPUT_METRICS: OutputMetrics = {
  alerts: () => {},
  retry: () => {},
  deadLetter: () => {},
  circuit: () => {},
};

/** Wall clock and sleeping, injectable so retry timing is testable without waiting. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal.reason);
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    }),
};
