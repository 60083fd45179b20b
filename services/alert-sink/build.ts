/**
 * Builds the alert sink's outputs from config: ClickHouse always, then each webhook and
 * syslog receiver, each with its own selection, false-positive suppression, circuit
 * breaker, retry policy and dead-letter path, and each consumed as its own consumer group.
 */
import {
  DELIVERY_DEFAULTS,
  type DeliveryConfig,
  type FalsePositiveConfig,
} from '../../shared/config/index.ts';
import type { Logger } from '../../shared/log/logger.ts';
import type { VigilMetrics } from '../../shared/metrics/registry.ts';
import type { SinkOutput, SinkOutputs } from '../../shared/runtime/alert-sink-service.ts';
import type { ServiceContext } from '../../shared/runtime/context.ts';
import { AlertWriter } from '../../shared/store/alert-writer.ts';
import { FalsePositiveMarks } from '../../shared/store/false-positive-marks.ts';
import { Backoff } from './delivery/backoff.ts';
import { CircuitBreaker } from './delivery/circuit-breaker.ts';
import { DeadLetters } from './delivery/dead-letters.ts';
import { Deliverer } from './delivery/deliverer.ts';
import { compileSelector, type SelectionConfig } from './delivery/selector.ts';
import { sinkOutput } from './delivery/sink-output.ts';
import { FalsePositiveCache } from './delivery/suppression.ts';
import { SYSTEM_CLOCK, type DeliveryItem, type OutputMetrics, type Transport } from './delivery/types.ts';
import { ClickHouseTransport } from './outputs/clickhouse.ts';
import { SyslogTransport } from './outputs/syslog.ts';
import { WebhookTransport } from './outputs/webhook.ts';

const CIRCUIT_VALUE = { closed: 0, open: 1, half_open: 2 } as const;

function outputMetrics(m: VigilMetrics, output: string): OutputMetrics {
  return {
    alerts: (outcome, n) => m.outputAlerts.inc({ output, outcome }, n),
    retry: (kind) => m.outputRetries.inc({ output, kind }),
    deadLetter: (status, n) => m.outputDeadLetters.inc({ output, status: String(status) }, n),
    circuit: (state) => m.outputCircuit.set({ output }, CIRCUIT_VALUE[state]),
  };
}

interface OutputSpec {
  name: string;
  transport: Transport;
  delivery: DeliveryConfig;
  selection?: SelectionConfig;
  falsePositive?: FalsePositiveConfig;
}

function assemble(
  ctx: ServiceContext,
  log: Logger,
  spec: OutputSpec,
  marks: FalsePositiveCache | undefined,
): SinkOutput {
  const metrics = outputMetrics(ctx.metrics, spec.name);
  const outputLog = log.child({ output: spec.name });
  metrics.circuit('closed');
  const deliverer = new Deliverer({
    name: spec.name,
    transport: spec.transport,
    backoff: new Backoff(spec.delivery),
    breaker: new CircuitBreaker(spec.delivery, SYSTEM_CLOCK, (state) => {
      metrics.circuit(state);
      outputLog.warn({ output: spec.name, circuit: state }, `circuit ${state}`);
    }),
    deadLetters: new DeadLetters(() => ctx.bus.publisher(), ctx.topics.dlq, spec.name),
    concurrency: spec.delivery.concurrency,
    metrics,
    log: outputLog,
    clock: SYSTEM_CLOCK,
  });
  const selector = spec.selection !== undefined ? compileSelector(spec.selection) : undefined;
  const fp = spec.falsePositive;
  const select =
    selector === undefined
      ? undefined
      : (item: DeliveryItem) =>
          !selector(item.alert)
            ? ('filtered' as const)
            : fp !== undefined && marks?.suppresses(item.alert, fp) === true
              ? ('suppressed' as const)
              : ('deliver' as const);
  return sinkOutput({
    name: spec.name,
    transport: spec.transport,
    deliverer,
    select,
    metrics,
    log: outputLog,
  });
}

export async function buildOutputs(ctx: ServiceContext): Promise<SinkOutputs> {
  const { config } = ctx;
  const log = ctx.log.child({ service: 'alert-sink' });
  const store = await ctx.store();
  const siem = [...config.webhooks, ...config.syslog];
  const lookbackMinutes = Math.max(0, ...siem.map((o) => o.false_positive.suppress_minutes));
  let marks: FalsePositiveCache | undefined;
  if (lookbackMinutes > 0) {
    marks = new FalsePositiveCache(
      new FalsePositiveMarks(store.client, config.clickhouse.database),
      lookbackMinutes * 60_000,
      log,
    );
    await marks.start(config.alert_sink.false_positive_poll_seconds * 1000);
  }
  const specs: OutputSpec[] = [
    {
      name: 'clickhouse',
      transport: new ClickHouseTransport(new AlertWriter(store.client, config.clickhouse.database)),
      // ClickHouse is the system of record: same retry policy, defaults of the schema.
      delivery: { ...DELIVERY_DEFAULTS, concurrency: 1 },
    },
    ...config.webhooks.map((w) => ({
      name: `webhook-${w.name}`,
      transport: new WebhookTransport(w, SYSTEM_CLOCK),
      delivery: w.delivery,
      selection: w,
      falsePositive: w.false_positive,
    })),
    ...config.syslog.map((s) => ({
      name: `syslog-${s.name}`,
      transport: new SyslogTransport(s),
      delivery: s.delivery,
      selection: s,
      falsePositive: s.false_positive,
    })),
  ];
  return {
    outputs: specs.map((spec) => assemble(ctx, log, spec, marks)),
    close: async () => marks?.stop(),
  };
}
