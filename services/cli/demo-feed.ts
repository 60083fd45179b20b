/**
 * The demo traffic of `npm start`: the simulator's live feed (an hour of simulated time a
 * minute, a day of history first so baselines have something to stand on) published to
 * the input topics like any producer would. Scenarios recur every minute, the
 * cross-tenant read first, so a newcomer sees an alert within a minute.
 */
import { partitionKey } from '../../shared/events/keys.ts';
import type { VigilEvent } from '../../shared/events/types.ts';
import { errorMessage } from '../../shared/errors.ts';
import type { OutboundMessage } from '../../shared/pipeline/ports.ts';
import type { ServiceContext } from '../../shared/runtime/context.ts';
import type { RunningService } from '../../shared/runtime/service.ts';
import { liveFeed } from '../../shared/simulate/live.ts';
import { SCENARIOS } from '../../shared/simulate/scenarios/index.ts';

const FIRST = ['cross-tenant-read', 'cooling-failure', 'power-room-intrusion'];

export async function startDemoFeed(ctx: ServiceContext): Promise<RunningService> {
  const publisher = await ctx.bus.publisher();
  const abort = new AbortController();
  const scenarios = [...FIRST, ...SCENARIOS.map((s) => s.name).filter((n) => !FIRST.includes(n))];
  const log = ctx.log.child({ service: 'demo-feed' });

  const publish = async (events: VigilEvent[]): Promise<void> => {
    const byTopic = new Map<string, OutboundMessage[]>();
    for (const e of events) {
      const topic = ctx.topics[e.type];
      let list = byTopic.get(topic);
      if (list === undefined) byTopic.set(topic, (list = []));
      list.push({ key: partitionKey(e), value: JSON.stringify({ ...e, ts: new Date(e.ts).toISOString() }) });
    }
    await Promise.all([...byTopic].map(([topic, messages]) => publisher.publish(topic, messages)));
  };

  const loop = (async () => {
    let events = 0;
    for await (const batch of liveFeed({
      seed: 42,
      speedup: 60,
      attackEveryMinutes: 1,
      firstAttackAfterSeconds: 10,
      backfillHours: 24,
      scenarios,
      signal: abort.signal,
    })) {
      await publish(batch.events);
      events += batch.events.length;
      for (const label of batch.labels) {
        log.info(
          { scenario: label.name, entity: label.entity, expect: label.detectors },
          'demo scenario injected',
        );
      }
    }
    log.info({ events }, 'demo feed stopped');
  })().catch((err: unknown) => log.error({ err: errorMessage(err) }, 'demo feed failed'));

  return {
    name: 'demo-feed',
    ready: () => !abort.signal.aborted,
    async stop() {
      abort.abort();
      await loop;
    },
  };
}
