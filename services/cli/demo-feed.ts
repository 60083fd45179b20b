/**
 * The demo traffic of `npm start`: the simulator's live feed (an hour of simulated time a
 * minute, a day of history first so baselines have something to stand on) published to
 * the input topics like any producer would. Scenarios recur every minute, the
 * cross-tenant read first, so a newcomer sees an alert within a minute.
 */
import { errorMessage } from '../../shared/errors.ts';
import { publishEvents } from '../../shared/pipeline/publish-events.ts';
import type { ServiceContext } from '../../shared/runtime/context.ts';
import type { RunningService } from '../../shared/runtime/service.ts';
import { liveFeed } from '../../shared/simulate/live.ts';
import { SCENARIOS } from '../../shared/simulate/scenarios/index.ts';

const FIRST = ['cross-tenant-read', 'power-room-intrusion', 'cooling-failure'];

export async function startDemoFeed(ctx: ServiceContext): Promise<RunningService> {
  const publisher = await ctx.bus.publisher();
  const abort = new AbortController();
  const scenarios = [...FIRST, ...SCENARIOS.map((s) => s.name).filter((n) => !FIRST.includes(n))];
  const log = ctx.log.child({ service: 'demo-feed' });

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
      await publishEvents(publisher, ctx.topics, batch.events);
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
