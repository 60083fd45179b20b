/**
 * A monitor service from its spec: the Monitor pipeline on the context's bus, with the
 * service's enabled detectors, effectively-once state in the changelog
 * `vigil.state.<service>` (partitioned like the input), and run-time config changes applied.
 */
import { stateTopic } from '../bus/topics.ts';
import type { EventType } from '../events/types.ts';
import type { DetectorDefinition } from '../pipeline/detector.ts';
import { Monitor } from '../pipeline/monitor.ts';
import type { ServiceContext } from './context.ts';
import { pipelineMetrics } from './metrics-adapter.ts';
import { processorOptions } from './processor-options.ts';
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
      const groupId = `vigil-${spec.name}`;
      const pipeline = ctx.config.pipeline;
      const monitor = new Monitor({
        service: spec.name,
        eventType: spec.eventType,
        groupId,
        inputTopic,
        alertsTopic: ctx.topics.alerts,
        dlqTopic: ctx.topics.dlq,
        changelogTopic: stateTopic(ctx.topics, spec.name),
        detectors,
        source: ctx.bus.source({
          groupId,
          topics: [inputTopic],
          transactional: true,
          onFatal: (err) => ctx.fatal(err),
        }),
        bus: ctx.bus,
        processor: processorOptions(pipeline),
        maxFutureSkewMs: pipeline.max_future_skew_minutes * 60_000,
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
      return {
        name: spec.name,
        ready: () => monitor.ready(),
        problems: () => monitor.problems(),
        async stop() {
          unsubscribe();
          await monitor.stop();
        },
      };
    },
  };
}
