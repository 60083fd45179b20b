/**
 * The deliverer against a scripted transport and a fake clock: retries with growing,
 * jittered delays; Retry-After honoured; the circuit opens after repeated failures and
 * closes on a good probe; refused items go to the dead-letter topic with status and body;
 * nothing is reported done before it is; an abort ends the wait.
 */
import { describe, expect, it } from 'vitest';
import { Backoff, parseRetryAfter } from '../../../services/alert-sink/delivery/backoff.ts';
import { CircuitBreaker } from '../../../services/alert-sink/delivery/circuit-breaker.ts';
import { DeadLetters } from '../../../services/alert-sink/delivery/dead-letters.ts';
import { Deliverer } from '../../../services/alert-sink/delivery/deliverer.ts';
import type {
  Clock,
  DeliveryItem,
  OutputMetrics,
  SendOutcome,
  Transport,
} from '../../../services/alert-sink/delivery/types.ts';
import type { OutboundMessage, Publisher } from '../../../shared/pipeline/ports.ts';
import { alert } from '../../fixtures/alerts/sample-alerts.ts';

class FakeClock implements Clock {
  t = 1_000_000;
  sleeps: number[] = [];
  now = (): number => this.t;
  sleep = async (ms: number, signal: AbortSignal): Promise<void> => {
    signal.throwIfAborted();
    this.sleeps.push(ms);
    this.t += ms;
    await Promise.resolve();
  };
}

const items = (n: number): DeliveryItem[] =>
  Array.from({ length: n }, (_, i) => {
    const a = alert({ alert_id: String(i).padStart(32, '0') });
    return {
      alert: a,
      id: `${a.alert_id}:1`,
      source: { topic: 'alerts', partition: 0, offset: String(i) },
      key: Buffer.from(a.alert_id),
      raw: Buffer.from(JSON.stringify(a)),
    };
  });

function setup(script: Array<(items: DeliveryItem[]) => SendOutcome>, batchMax = 10) {
  const clock = new FakeClock();
  const sent: string[][] = [];
  const transport: Transport = {
    batchMax,
    send: async (list) => {
      sent.push(list.map((i) => i.id));
      const step = script.shift() ?? (() => ({}));
      return step([...list]);
    },
    close: async () => {},
  };
  const published: OutboundMessage[] = [];
  const publisher: Publisher = { publish: async (_t, m) => void published.push(...m) };
  const counts: Record<string, number> = {};
  const states: string[] = [];
  const metrics: OutputMetrics = {
    alerts: (o, n) => (counts[o] = (counts[o] ?? 0) + n),
    retry: () => (counts['retries'] = (counts['retries'] ?? 0) + 1),
    deadLetter: () => {},
    circuit: (s) => states.push(s),
  };
  const config = {
    retry_initial_ms: 100,
    retry_max_ms: 1000,
    retry_after_max_ms: 60_000,
    breaker_failures: 3,
    breaker_open_ms: 5000,
    breaker_open_max_ms: 20_000,
  };
  const deliverer = new Deliverer({
    name: 'test',
    transport,
    backoff: new Backoff(config, () => 0.5),
    breaker: new CircuitBreaker(config, clock, metrics.circuit),
    deadLetters: new DeadLetters(async () => publisher, 'dlq', 'webhook-test'),
    concurrency: 2,
    metrics,
    log: { debug() {}, info() {}, warn() {}, error() {} },
    clock,
  });
  return { deliverer, clock, sent, published, counts, states };
}

const fail =
  (retryAfterMs?: number) =>
  (list: DeliveryItem[]): SendOutcome => ({
    retry: {
      items: list,
      kind: 'status',
      reason: 'HTTP 503',
      ...(retryAfterMs !== undefined && { retryAfterMs }),
    },
  });

describe('Deliverer', () => {
  it('retries with exponential, jittered delays until the receiver takes the items', async () => {
    const t = setup([fail(), fail()]);
    await t.deliverer.deliver(items(3), new AbortController().signal);
    expect(t.sent).toHaveLength(3);
    expect(t.sent[2]).toEqual(t.sent[0]);
    // equal jitter with random() = 0.5: 3/4 of 100, then of 200
    expect(t.clock.sleeps).toEqual([75, 150]);
    expect(t.counts).toMatchObject({ delivered: 3, retries: 2 });
  });

  it('waits at least as long as Retry-After asks', async () => {
    const t = setup([fail(7000)]);
    await t.deliverer.deliver(items(1), new AbortController().signal);
    expect(t.clock.sleeps[0]).toBeGreaterThanOrEqual(7000);
    expect(t.clock.sleeps[0]).toBeLessThan(8100);
  });

  it('opens the circuit after repeated failures and closes it after a good probe', async () => {
    const t = setup([fail(), fail(), fail(), fail()]);
    await t.deliverer.deliver(items(1), new AbortController().signal);
    expect(t.states).toEqual(['open', 'half_open', 'open', 'half_open', 'closed']);
    // Third failure: open for 5 s (backoff, then the rest of the open period), then the
    // failed probe doubles that to 10 s.
    const s = t.clock.sleeps;
    expect(s).toHaveLength(6);
    expect(s[2]! + s[3]!).toBe(5000);
    expect(s[4]! + s[5]!).toBe(10000);
    expect(t.counts['delivered']).toBe(1);
  });

  it('dead-letters refused items with status and body, delivers the others, retries the rest', async () => {
    const t = setup([
      (list) => ({
        rejected: [{ items: [list[0]!], status: 400, excerpt: '{"error":"bad field"}' }],
        retry: { items: [list[2]!], kind: 'status', reason: 'HTTP 429' },
      }),
    ]);
    const batch = items(3);
    await t.deliverer.deliver(batch, new AbortController().signal);
    expect(t.published).toHaveLength(1);
    const record = JSON.parse(String(t.published[0]!.value));
    expect(record).toMatchObject({
      output: 'webhook-test',
      status: 400,
      response_excerpt: '{"error":"bad field"}',
      idempotency_id: batch[0]!.id,
      source: { topic: 'alerts', partition: 0, offset: '0' },
    });
    expect(Buffer.from(record.original_base64, 'base64').toString()).toBe(batch[0]!.raw.toString());
    expect(t.published[0]!.key).toBe(batch[0]!.alert.alert_id);
    expect(t.sent[1]).toEqual([batch[2]!.id]);
    expect(t.counts).toMatchObject({ delivered: 2, dead_lettered: 1 });
  });

  it('splits into chunks of batchMax and treats a throwing transport as a retry', async () => {
    const t = setup(
      [
        () => {
          throw new Error('socket hang up');
        },
      ],
      2,
    );
    await t.deliverer.deliver(items(5), new AbortController().signal);
    expect(t.sent.map((s) => s.length).sort()).toEqual([1, 2, 2, 2]);
    expect(t.counts['delivered']).toBe(5);
  });

  it('gives up with the abort reason when interrupted, never resolving as delivered', async () => {
    const t = setup(Array.from({ length: 100 }, () => fail()));
    const abort = new AbortController();
    const done = t.deliverer.deliver(items(1), abort.signal);
    abort.abort(new Error('stopping'));
    await expect(done).rejects.toThrow('stopping');
    expect(t.counts['delivered']).toBeUndefined();
  });
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', 0)).toBe(120_000);
    expect(
      parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')),
    ).toBe(30_000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(null, 0)).toBeUndefined();
  });
});
