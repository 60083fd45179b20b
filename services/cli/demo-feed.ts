/**
 * The demo traffic of `npm start`: the simulator's live feed (an hour of simulated time a
 * minute, a day of history first so baselines have something to stand on) published to
 * the input topics like any producer would. Scenarios recur every minute, the
 * cross-tenant read first, so a newcomer sees an alert within a minute, then a harvesting
 * extraction and a service account's exfiltration by volume (their alerts within the first
 * minutes, test/unit/cli/demo-inference.test.ts), then the facility and drift scenarios.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { errorMessage } from '../../shared/errors.ts';
import { publishEvents } from '../../shared/pipeline/publish-events.ts';
import type { ServiceContext } from '../../shared/runtime/context.ts';
import type { RunningService } from '../../shared/runtime/service.ts';
import { liveFeed } from '../../shared/simulate/live.ts';
import { SCENARIOS } from '../../shared/simulate/scenarios/index.ts';

const FIRST = [
  'cross-tenant-read',
  'extraction-harvest',
  'exfil-service-account',
  'power-room-intrusion',
  'drift-input',
  'cooling-failure',
];

/** The demo's scenario cycle: the ones a newcomer should see first, then every other one. */
export const DEMO_SCENARIOS: readonly string[] = [
  ...FIRST,
  ...SCENARIOS.map((s) => s.name).filter((n) => !FIRST.includes(n)),
];

/** The live feed's settings (`liveFeed` options) of the demo. */
export const DEMO_FEED = {
  seed: 42,
  speedup: 60,
  attackEveryMinutes: 1,
  firstAttackAfterSeconds: 10,
  backfillHours: 24,
} as const;

export async function startDemoFeed(ctx: ServiceContext): Promise<RunningService> {
  const publisher = await ctx.bus.publisher();
  const abort = new AbortController();
  const log = ctx.log.child({ service: 'demo-feed' });

  const loop = (async () => {
    let events = 0;
    for await (const batch of liveFeed({ ...DEMO_FEED, scenarios: DEMO_SCENARIOS, signal: abort.signal })) {
      await publishEvents(publisher, ctx.topics, batch.events);
      events += batch.events.length;
      // The day of history comes as fast as the bus takes it, and the in-process bus takes
      // it without I/O: let timers and sockets (the API) in between batches.
      await yieldToLoop();
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
