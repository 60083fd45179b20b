/**
 * The alert-sink service: one consumer group per output on the alerts topic. ClickHouse
 * always; further outputs (SIEM webhooks) are added by `outputs`. With `store_events`, a
 * further group archives the input topics' events into ClickHouse.
 */
import type { Alert } from '../events/types.ts';
import { alertOutputHandler, type AlertOutput } from '../pipeline/alert-fanout.ts';
import type { EventSource } from '../pipeline/ports.ts';
import { AlertWriter } from '../store/alert-writer.ts';
import type { ServiceContext } from './context.ts';
import { startEventArchiver } from './event-archiver.ts';
import type { RunningService, ServiceDefinition } from './service.ts';

export interface AlertSinkOptions {
  /** Extra outputs beyond ClickHouse, built from the context. */
  outputs?: (ctx: ServiceContext) => AlertOutput[];
  /** Called after ClickHouse stored a batch (e.g. the live feed of the API). */
  onStored?: (alerts: Alert[]) => void;
}

export function alertSinkService(options: AlertSinkOptions = {}): ServiceDefinition {
  return {
    name: 'alert-sink',
    async start(ctx) {
      const log = ctx.log.child({ service: 'alert-sink' });
      const store = await ctx.store();
      const clickhouse = new AlertWriter(store.client, ctx.config.clickhouse.database);
      const outputs: AlertOutput[] = [{ name: 'clickhouse', write: (a) => clickhouse.write(a) }];
      outputs.push(...(options.outputs?.(ctx) ?? []));
      const sources: EventSource[] = [];
      for (const output of outputs) {
        const source = ctx.bus.source({
          groupId: `vigil-alert-sink-${output.name}`,
          topics: [ctx.topics.alerts],
        });
        await source.start(
          alertOutputHandler(output, log, {
            written: (alerts: Alert[]) => {
              ctx.metrics.sinkWrites.inc({ sink: output.name, outcome: 'ok' });
              if (output.name === 'clickhouse') options.onStored?.(alerts);
            },
            failed: () => ctx.metrics.sinkWrites.inc({ sink: output.name, outcome: 'error' }),
          }),
        );
        sources.push(source);
      }
      if (ctx.config.pipeline.store_events) sources.push(await startEventArchiver(ctx));
      log.info(
        { outputs: outputs.map((o) => o.name), archive_events: ctx.config.pipeline.store_events },
        'alert sink started',
      );
      let ready = true;
      return {
        name: 'alert-sink',
        ready: () => ready,
        async stop() {
          ready = false;
          await Promise.all(sources.map((s) => s.stop()));
        },
      } satisfies RunningService;
    },
  };
}
