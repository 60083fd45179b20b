/**
 * A circuit breaker per output. After `breaker_failures` consecutive failed attempts the
 * circuit opens: nobody sends for `breaker_open_ms`; then one probe goes out (half-open)
 * while the other senders wait for its verdict. A failed probe reopens the circuit for twice
 * as long (up to `breaker_open_max_ms`); a good one closes it. This keeps a receiver that is
 * down from being hit by every retry loop of every partition at once, and lets it come back
 * without a thundering herd. Nothing is dropped while open: senders wait, holding their
 * uncommitted batch.
 */
import type { DeliveryConfig } from '../../../shared/config/index.ts';
import type { CircuitState, Clock } from './types.ts';

export class CircuitBreaker {
  private state: CircuitState = 'closed';
  private failures = 0;
  private openForMs: number;
  private openUntil = 0;
  private probing = false;
  /** Resolved (and replaced) whenever the state changes, to wake waiting senders. */
  private changed = deferred();

  constructor(
    private readonly config: Pick<
      DeliveryConfig,
      'breaker_failures' | 'breaker_open_ms' | 'breaker_open_max_ms'
    >,
    private readonly clock: Clock,
    private readonly onState: (state: CircuitState) => void = () => {},
  ) {
    this.openForMs = config.breaker_open_ms;
  }

  get current(): CircuitState {
    return this.state;
  }

  /** Waits until this caller may send. Rejects when `signal` aborts. */
  async permit(signal: AbortSignal): Promise<void> {
    for (;;) {
      signal.throwIfAborted();
      if (this.state === 'closed') return;
      if (this.state === 'open') {
        const wait = this.openUntil - this.clock.now();
        if (wait > 0) {
          await Promise.race([this.clock.sleep(wait, signal), this.changed.promise]);
          continue;
        }
        this.set('half_open');
      }
      if (!this.probing) {
        this.probing = true;
        return;
      }
      await untilOrAbort(this.changed.promise, signal);
    }
  }

  success(): void {
    this.failures = 0;
    this.probing = false;
    this.openForMs = this.config.breaker_open_ms;
    if (this.state !== 'closed') this.set('closed');
  }

  failure(): void {
    this.failures++;
    if (this.state === 'half_open') {
      this.probing = false;
      this.openForMs = Math.min(this.openForMs * 2, this.config.breaker_open_max_ms);
      this.open();
    } else if (this.state === 'closed' && this.failures >= this.config.breaker_failures) {
      this.open();
    }
  }

  private open(): void {
    this.openUntil = this.clock.now() + this.openForMs;
    this.set('open');
  }

  private set(state: CircuitState): void {
    this.state = state;
    this.onState(state);
    const previous = this.changed;
    this.changed = deferred();
    previous.resolve();
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Waits for `promise`, or rejects when `signal` aborts; the abort listener never outlives the wait. */
function untilOrAbort(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
