/**
 * The correlator service on the embedded bus: alerts in, incidents out on the alerts
 * topic; a restarted correlator resumes from its changelog and updates the incident
 * instead of duplicating it; incidents never become parts.
 */
import { describe, expect, it } from 'vitest';
import { createMemoryBus } from '../../../shared/bus/memory.ts';
import { resolveConfig } from '../../../shared/config/index.ts';
import type { Alert } from '../../../shared/events/types.ts';
import { createLogger } from '../../../shared/log/logger.ts';
import { createMetrics } from '../../../shared/metrics/registry.ts';
import { EMPTY_ENVIRONMENT } from '../../../shared/pipeline/environment.ts';
import type { ServiceContext } from '../../../shared/runtime/context.ts';
import { topicNames } from '../../../shared/runtime/context.ts';
import { correlator } from '../../../services/correlator/index.ts';
import { RuleBook } from '../../../shared/pipeline/rules.ts';
import { alert, principal } from './helpers.ts';

function context(): ServiceContext {
  const config = resolveConfig({ env: {}, overrides: { topics: { partitions: 3 } } });
  const topics = topicNames(config);
  const bus = createMemoryBus({
    topics,
    partitions: 3,
    maxBatchSize: 50,
    retryBackoffMs: { initial: 1, max: 4 },
  });
  return {
    config,
    detectors: [],
    environment: EMPTY_ENVIRONMENT,
    topics,
    log: createLogger({ level: 'silent' }),
    metrics: createMetrics(),
    bus,
    mode: 'embedded',
    store: () => Promise.reject(new Error('no store in this test')),
    detectorConfig: () => Promise.reject(new Error('no config hub in this test')),
    ruleBook: new RuleBook(),
    rules: () => Promise.reject(new Error('no rules hub in this test')),
    fatal: (err) => {
      throw err;
    },
    onFatal: () => undefined,
    close: () => bus.close(),
  };
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('correlator service', () => {
  it('publishes one incident per key and window, restarts without duplicating it', async () => {
    const ctx = context();
    await ctx.bus.ensureTopics();
    const publisher = await ctx.bus.publisher();
    const send = (as: Alert[]) =>
      publisher.publish(
        ctx.topics.alerts,
        as.map((a) => ({ key: a.alert_id, value: JSON.stringify(a) })),
      );
    const seen: Alert[] = [];
    const watch = ctx.bus.source({ groupId: 'watch', topics: [ctx.topics.alerts] });
    await watch.start(async (b) => {
      for (const m of b.messages) seen.push(JSON.parse(m.value!.toString()) as Alert);
    });
    const incidents = () => seen.filter((a) => a.detector === 'correlation.incident');

    let running = await correlator.start(ctx);
    const a = alert('inference.extraction.rate', principal('mallory'), 0, { id: 'part-a' });
    const b = alert('access.volume', principal('mallory'), 20, { id: 'part-b', severity: 'medium' });
    const lone = alert('access.volume', principal('someone-else'), 5, { id: 'part-c' });
    await send([a, lone, b]);
    await until(() => incidents().length === 1);
    expect(running.ready()).toBe(true);
    const first = incidents()[0]!;
    expect(first).toMatchObject({ related: ['part-a', 'part-b'], severity: 'critical' });

    // Restart: the join stage restores its keyed state from the changelog.
    await running.stop();
    running = await correlator.start(ctx);
    const b2 = { ...b, event_count: 4, last_seen: new Date(Date.parse(b.last_seen) + 600_000).toISOString() };
    await send([a, b2]);
    await until(() => incidents().length === 2);
    const second = incidents()[1]!;
    expect(second.alert_id).toBe(first.alert_id);
    expect(second.event_count).toBe(5);
    expect(second.detected_at).toBe(first.detected_at);

    // Give the correlator time to (wrongly) consume its own incidents, then check it did not.
    await new Promise((r) => setTimeout(r, 200));
    expect(new Set(incidents().map((i) => i.alert_id)).size).toBe(1);
    expect(incidents().every((i) => !i.related.includes(first.alert_id))).toBe(true);
    await running.stop();
    await watch.stop();
    await ctx.close();
  });
});
