/**
 * A monitor service from its spec: the Monitor pipeline on the context's bus, with the
 * service's enabled detectors, state checkpoints in `vigil.state.<service>` and, when
 * configured, validated events stored in ClickHouse.
 */
import type { EventType } from '../events/types.ts';
import type { DetectorDefinition } from '../pipeline/detector.ts';
import { Monitor, type EventSink } from '../pipeline/monitor.ts';
import { EventWriter } from '../store/event-writer.ts';
import type { ServiceContext } from './context.ts';
import { pipelineMetrics } from './metrics-adapter.ts';
import type { RunningService, ServiceDefinition } from './service.ts';

export interface MonitorSpec {
  name: string;
  eventType: EventType;
  detectors: readonly DetectorDefinition[];
}

export function monitorService(spec: MonitorSpec): ServiceDefinition {
  return {
    name: spec.name,
    async start(ctx: ServiceContext): Promise<RunningService> {
      const ids = new Set(spec.detectors.map((d) => d.id));
      const hub = await ctx.detectorConfig();
      const detectors = hub.list().filter((d) => ids.has(d.definition.id));
      const inputTopic = ctx.topics[spec.eventType];
      const log = ctx.log.child({ service: spec.name });
      let eventSink: EventSink | undefined;
      if (ctx.config.pipeline.store_events) {
        const store = await ctx.store();
        eventSink = new EventWriter(store.client, ctx.config.clickhouse.database);
      }
      const monitor = new Monitor({
        service: spec.name,
        eventType: spec.eventType,
        inputTopic,
        alertsTopic: ctx.topics.alerts,
        dlqTopic: ctx.topics.dlq,
        detectors,
        source: ctx.bus.source({ groupId: `vigil-${spec.name}`, topics: [inputTopic] }),
        publisher: await ctx.bus.publisher(),
        stateStore: ctx.bus.stateStore(spec.name),
        eventSink,
        checkpointIntervalMs: ctx.config.pipeline.checkpoint_interval_seconds * 1000,
        log,
        metrics: pipelineMetrics(ctx.metrics, spec.name),
      });
      const unsubscribe = hub.onChange((d) => {
        if (ids.has(d.definition.id)) monitor.reconfigure(d);
      });
      await monitor.start();
      log.info(
        { detectors: detectors.filter((d) => d.config.enabled).map((d) => d.definition.id) },
        'detectors enabled',
      );
      let ready = true;
      return {
        name: spec.name,
        ready: () => ready,
        async stop() {
          ready = false;
          unsubscribe();
          await monitor.stop();
        },
      };
    },
  };
}
