/**
 * correlator: alerts → incidents (`correlation.incident`), the Kafka Streams way.
 *
 *   vigil.alerts ──(group vigil-correlator)──▶ fan-out: each alert's part, once per
 *        grouping key (principal / zone / site), keyed by that key
 *     ──▶ vigil.alerts.by-group ──(group vigil-correlator.by-group)──▶ join: keyed state per
 *        grouping key (changelog vigil.state.correlator.by-group) ──▶ incidents to vigil.alerts
 *
 * Alerts on `vigil.alerts` are keyed by alert id, so one partition never sees all alerts
 * of a zone or principal: the fan-out re-keys them (an internal topic, as for the
 * by-badge stream). Both stages commit their outputs, state and input offsets in one
 * transaction per input partition. Incidents never feed incidents: the fan-out drops them.
 */
import { stateTopic } from '../../shared/bus/topics.ts';
import type { Alert } from '../../shared/events/types.ts';
import type { InboundMessage, OutboundBatch, OutboundMessage } from '../../shared/pipeline/ports.ts';
import type { PartitionState } from '../../shared/pipeline/partition-state.ts';
import { pipelineMetrics } from '../../shared/runtime/metrics-adapter.ts';
import { processorOptions } from '../../shared/runtime/processor-options.ts';
import type { RunningService, ServiceDefinition } from '../../shared/runtime/service.ts';
import { SiteDirectory } from '../../shared/sites/site-directory.ts';
import { CORRELATION_INCIDENT, resolveIncidentConfig, type IncidentConfig } from './config.ts';
import { GROUPS_STORE, IncidentCorrelator, type Group } from './incidents.ts';
import { partOf, type Part } from './parts.ts';
import { TransactionalStage, type StageHandler } from './stage.ts';

export const CORRELATOR = 'correlator';

/** The internal topic of parts keyed by grouping key. */
export function byGroupTopic(alertsTopic: string): string {
  return `${alertsTopic}.by-group`;
}

interface Logger {
  warn(obj: object, msg?: string): void;
}

function parseAlert(message: InboundMessage, log: Logger): Alert | undefined {
  if (message.value === null) return undefined;
  try {
    const alert = JSON.parse(message.value.toString('utf8')) as Alert;
    return typeof alert.alert_id === 'string' && typeof alert.detector === 'string' ? alert : undefined;
  } catch {
    log.warn({ offset: message.offset }, 'unparseable alert skipped by the correlator');
    return undefined;
  }
}

/** Fan-out: each alert's part once per grouping key, keyed by the key. Stateless. */
export function fanOutHandler(
  config: Readonly<IncidentConfig>,
  sites: SiteDirectory,
  topic: string,
  log: Logger,
): StageHandler {
  return {
    process(messages) {
      const out: OutboundMessage[] = [];
      for (const m of messages) {
        const alert = parseAlert(m, log);
        if (alert === undefined) continue;
        const found = partOf(alert, sites, config.group_by, config.min_part_severity);
        if (found === undefined) continue;
        for (const key of found.keys) out.push({ key, value: JSON.stringify({ k: key, p: found.part }) });
      }
      return out.length === 0 ? [] : [{ topic, messages: out }];
    },
  };
}

/** Join: parts into incidents, keyed state per grouping key. */
export function joinHandler(
  config: Readonly<IncidentConfig>,
  state: PartitionState,
  alertsTopic: string,
  log: Logger,
): StageHandler {
  const ttl = (config.retention_hours + config.window_minutes / 60) * 3_600_000 * 2;
  const correlator = new IncidentCorrelator(
    config,
    state.namespace(CORRELATION_INCIDENT).keyed<Group>(GROUPS_STORE, { idleTtlMs: ttl }),
  );
  return {
    process(messages, nowMs) {
      const incidents = new Map<string, Alert>();
      for (const m of messages) {
        if (m.value === null) continue;
        let record: { k: string; p: Part };
        try {
          record = JSON.parse(m.value.toString('utf8')) as { k: string; p: Part };
        } catch {
          log.warn({ offset: m.offset }, 'unparseable part skipped by the correlator');
          continue;
        }
        const t = record.p.last;
        state.clock.eventTime = t;
        if (t > state.clock.watermark) state.clock.watermark = t;
        const incident = correlator.accept(record.k, record.p, nowMs);
        if (incident !== undefined) incidents.set(incident.alert_id, incident);
      }
      if (incidents.size === 0) return [];
      const out: OutboundMessage[] = [...incidents.values()].map((a) => ({
        key: a.alert_id,
        value: JSON.stringify(a),
      }));
      return [{ topic: alertsTopic, messages: out }] satisfies OutboundBatch[];
    },
  };
}

export const correlator: ServiceDefinition = {
  name: CORRELATOR,
  async start(ctx): Promise<RunningService> {
    const log = ctx.log.child({ service: CORRELATOR });
    const config = resolveIncidentConfig(ctx.config.detectors[CORRELATION_INCIDENT]);
    if (!config.enabled) {
      log.info({}, 'correlation.incident disabled');
      return { name: CORRELATOR, ready: () => true, stop: async () => undefined };
    }
    const sites = new SiteDirectory(ctx.config.sites);
    const internal = byGroupTopic(ctx.topics.alerts);
    await ctx.bus.ensureTopics([internal]);
    const changelog = stateTopic(ctx.topics, CORRELATOR);
    const metrics = pipelineMetrics(ctx.metrics, CORRELATOR);
    const budget = processorOptions(ctx.config.pipeline).budget;
    const stage = (
      groupId: string,
      inputTopic: string,
      changelogTopic: string,
      handler: (s: PartitionState) => StageHandler,
    ) =>
      new TransactionalStage({
        groupId,
        inputTopic,
        changelogTopic,
        source: ctx.bus.source({
          groupId,
          topics: [inputTopic],
          transactional: true,
          onFatal: (err) => ctx.fatal(err),
        }),
        bus: ctx.bus,
        handler,
        ...(budget === undefined ? {} : { budget }),
        log,
        metrics,
      });
    const join = stage(`vigil-${CORRELATOR}.by-group`, internal, `${changelog}.by-group`, (s) =>
      joinHandler(config, s, ctx.topics.alerts, log),
    );
    const fanOut = stage(`vigil-${CORRELATOR}`, ctx.topics.alerts, changelog, () =>
      fanOutHandler(config, sites, internal, log),
    );
    // The join first, so the fan-out never feeds a topic nobody reads yet.
    await join.start();
    await fanOut.start();
    log.info(
      { window_minutes: config.window_minutes, group_by: config.group_by, topic: internal },
      'correlator started',
    );
    const stages = [fanOut, join];
    return {
      name: CORRELATOR,
      ready: () => stages.every((s) => s.ready()),
      problems: () => stages.flatMap((s) => s.problems()),
      async stop() {
        for (const s of stages) await s.stop();
      },
    };
  },
};
