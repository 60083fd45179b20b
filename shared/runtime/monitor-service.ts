/**
 * A monitor service from its spec: the Monitor pipeline on the context's bus, with the
 * service's enabled detectors, effectively-once state in the changelog
 * `vigil.state.<service>` (partitioned like the input), and run-time config changes
 * applied. Detectors on a re-keyed stream (`keyBy`) get a Monitor of their own on the
 * internal topic `<input>.by-<name>`, fed by the first one inside its transactions.
 */
import { stateTopic } from '../bus/topics.ts';
import type { EventType } from '../events/types.ts';
import type { DetectorDefinition } from '../pipeline/detector.ts';
import { Monitor } from '../pipeline/monitor.ts';
import { stagesOf } from '../pipeline/partitioned-run.ts';
import type { ResolvedDetector } from '../pipeline/registry.ts';
import type { ServiceContext } from './context.ts';
import { pipelineMetrics } from './metrics-adapter.ts';
import { processorOptions } from './processor-options.ts';
import type { RunningService, ServiceDefinition } from './service.ts';

export interface MonitorSpec {
  name: string;
  eventType: EventType;
  detectors: readonly DetectorDefinition[];
}

interface Stage {
  /** Suffix of the stage's topic, group and changelog ('' for the input stage). */
  suffix: string;
  inputTopic: string;
  detectors: ResolvedDetector[];
}

export function monitorService(spec: MonitorSpec): ServiceDefinition {
  return {
    name: spec.name,
    async start(ctx: ServiceContext): Promise<RunningService> {
      const hub = await ctx.detectorConfig();
      // Rules saved through the API are loaded before the first batch.
      await ctx.rules();
      const resolve = (d: DetectorDefinition): ResolvedDetector => ({
        definition: d,
        config: hub.get(d.id)!.config,
      });
      const { direct, rekeyed } = stagesOf(spec.detectors.map(resolve));
      const inputTopic = ctx.topics[spec.eventType];
      const stages: Stage[] = [
        { suffix: '', inputTopic, detectors: direct },
        ...rekeyed.map((r) => {
          const suffix = r.stream.slice(r.stream.indexOf('.by-'));
          return { suffix, inputTopic: `${inputTopic}${suffix}`, detectors: r.detectors };
        }),
      ];
      if (stages.length > 1) await ctx.bus.ensureTopics(stages.slice(1).map((s) => s.inputTopic));
      const repartition = rekeyed.map((r, i) => ({ topic: stages[i + 1]!.inputTopic, key: r.key }));

      const log = ctx.log.child({ service: spec.name });
      const pipeline = ctx.config.pipeline;
      const monitors = stages.map((stage, i) => {
        const groupId = `vigil-${spec.name}${stage.suffix}`;
        return new Monitor({
          service: spec.name,
          eventType: spec.eventType,
          groupId,
          inputTopic: stage.inputTopic,
          alertsTopic: ctx.topics.alerts,
          dlqTopic: ctx.topics.dlq,
          changelogTopic: `${stateTopic(ctx.topics, spec.name)}${stage.suffix}`,
          detectors: stage.detectors,
          source: ctx.bus.source({
            groupId,
            topics: [stage.inputTopic],
            transactional: true,
            onFatal: (err) => ctx.fatal(err),
          }),
          bus: ctx.bus,
          processor: { ...processorOptions(pipeline), environment: ctx.environment, rules: ctx.ruleBook },
          ...(i === 0 ? { repartition } : {}),
          maxFutureSkewMs: pipeline.max_future_skew_minutes * 60_000,
          log,
          metrics: pipelineMetrics(ctx.metrics, spec.name),
        });
      });
      const ids = new Set(spec.detectors.map((d) => d.id));
      const unsubscribe = hub.onChange((changed) => {
        if (!ids.has(changed.definition.id)) return;
        for (const d of spec.detectors.filter((x) => x.id === changed.definition.id)) {
          for (const m of monitors) m.reconfigure({ definition: d, config: changed.config });
        }
      });
      // The re-keyed stages first, so the input stage never feeds a topic nobody reads yet.
      for (const m of [...monitors].reverse()) await m.start();
      log.info(
        {
          detectors: direct
            .concat(...rekeyed.map((r) => r.detectors))
            .filter((d) => d.config.enabled)
            .map((d) => d.definition.id),
        },
        'detectors enabled',
      );
      return {
        name: spec.name,
        ready: () => monitors.every((m) => m.ready()),
        problems: () => monitors.flatMap((m) => m.problems()),
        async stop() {
          unsubscribe();
          for (const m of monitors) await m.stop();
        },
      };
    },
  };
}
