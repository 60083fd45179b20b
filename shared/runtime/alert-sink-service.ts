/**
 * The alert-sink service: one consumer group per output on the alerts topic
 * (`vigil-alert-sink-<output>`), so a slow or broken receiver never holds back another.
 * Which outputs exist (ClickHouse, webhooks, syslog…) is the caller's choice. With
 * `store_events`, a further group archives the input topics' events into ClickHouse.
 */
import type { BatchHandler, EventSource } from '../pipeline/ports.ts';
import type { ServiceContext } from './context.ts';
import { startEventArchiver } from './event-archiver.ts';
import type { RunningService, ServiceDefinition } from './service.ts';

/** How long stop() lets batches in flight finish before interrupting their outputs. */
export const DRAIN_GRACE_MS = 5000;

export interface SinkOutput {
  readonly name: string;
  /**
   * Handles one batch of the alerts topic; resolves once every alert in it was delivered
   * or dead-lettered (its offsets then commit). Rejects only after `interrupt()`.
   */
  readonly handle: BatchHandler;
  /** Makes a `handle` that is waiting for a receiver give up, so the consumer can stop. */
  interrupt(): void;
  close(): Promise<void>;
}

export interface SinkOutputs {
  outputs: SinkOutput[];
  /** Releases what the outputs share (e.g. a poller), after every output closed. */
  close?(): Promise<void>;
}

export interface AlertSinkOptions {
  outputs: (ctx: ServiceContext) => Promise<SinkOutputs>;
  /** Overrides DRAIN_GRACE_MS (tests). */
  drainGraceMs?: number;
}

export function alertSinkService(options: AlertSinkOptions): ServiceDefinition {
  return {
    name: 'alert-sink',
    async start(ctx) {
      const log = ctx.log.child({ service: 'alert-sink' });
      const { outputs, close } = await options.outputs(ctx);
      const sources: EventSource[] = [];
      for (const output of outputs) {
        const source = ctx.bus.source({
          groupId: `vigil-alert-sink-${output.name}`,
          topics: [ctx.topics.alerts],
        });
        await source.start(output.handle);
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
          // Batches in flight get a grace period to finish and commit; an output still
          // waiting for a receiver that is down after that would hold stop() for as long as
          // the outage lasts, so it is interrupted and its batch stays uncommitted.
          const grace = setTimeout(
            () => outputs.forEach((o) => o.interrupt()),
            options.drainGraceMs ?? DRAIN_GRACE_MS,
          );
          await Promise.all(sources.map((s) => s.stop()));
          clearTimeout(grace);
          await Promise.all(outputs.map((o) => o.close()));
          await close?.();
        },
      } satisfies RunningService;
    },
  };
}
