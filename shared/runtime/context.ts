/**
 * The composition root shared by every service in a process: resolved config, logger,
 * metrics, the bus (Kafka when KAFKA_BROKERS is set, else the in-process bus) and a lazily
 * opened ClickHouse store. Built once per process by `vigil run`.
 */
import type { ResolvedConfig } from '../config/index.ts';
import type { TopicNames } from '../bus/topics.ts';
import { createLogger, type Logger } from '../log/logger.ts';
import { createMetrics, type VigilMetrics } from '../metrics/registry.ts';
import type { Bus } from '../pipeline/ports.ts';
import { EMPTY_ENVIRONMENT, type DetectorEnvironment } from '../pipeline/environment.ts';
import type { ResolvedDetector } from '../pipeline/registry.ts';
import { RuleBook } from '../pipeline/rules.ts';
import type { StoreHandle } from '../store/client.ts';
import { createBus } from './bus.ts';
import { DetectorConfigHub } from './detector-config.ts';
import { RulesHub } from './rules-hub.ts';
import { openConfiguredStore } from './store.ts';

export interface ServiceContext {
  readonly config: ResolvedConfig;
  readonly detectors: readonly ResolvedDetector[];
  /** Calendars and sites from config, for detectors. */
  readonly environment: DetectorEnvironment;
  readonly topics: Readonly<TopicNames>;
  readonly log: Logger;
  readonly metrics: VigilMetrics;
  readonly bus: Bus;
  /** "kafka" or "embedded". */
  readonly mode: 'kafka' | 'embedded';
  /**
   * Opens (once) and returns the ClickHouse store: the schema applied when embedded or
   * when the context was made with `migrate`, else checked to exist.
   */
  store(): Promise<StoreHandle>;
  /** Detector config with run-time changes applied (started once, shared by services). */
  detectorConfig(): Promise<DetectorConfigHub>;
  /** The scoped rules in force, read by every processor of the process. */
  readonly ruleBook: RuleBook;
  /** File and API rules, kept in `ruleBook` (started once, shared by services). */
  rules(): Promise<RulesHub>;
  /** Reports a failure the process cannot recover from (e.g. a consumer that gave up). */
  fatal(err: Error): void;
  /** Registers the process's reaction to `fatal` (the run command exits non-zero). */
  onFatal(listener: (err: Error) => void): void;
  close(): Promise<void>;
}

export function topicNames(config: ResolvedConfig): Readonly<TopicNames> {
  const t = config.topics;
  return Object.freeze({
    inference: t.inference,
    access: t.access,
    facility: t.facility,
    alerts: t.alerts,
    dlq: t.dlq,
    statePrefix: t.state_prefix,
  });
}

export interface ContextOptions {
  config: ResolvedConfig;
  detectors: readonly ResolvedDetector[];
  log?: Logger;
  metrics?: VigilMetrics;
  clientId?: string;
  environment?: DetectorEnvironment;
  /** Apply the schema to a ClickHouse server too (`vigil run --migrate`); embedded always is. */
  migrate?: boolean;
}

export async function createContext(options: ContextOptions): Promise<ServiceContext> {
  const { config } = options;
  const log = options.log ?? createLogger({ level: config.logLevel });
  const metrics = options.metrics ?? createMetrics();
  const topics = topicNames(config);
  const bus = await createBus(config, topics, log, options.clientId ?? 'vigil');
  let store: Promise<StoreHandle> | undefined;
  let hub: Promise<DetectorConfigHub> | undefined;
  let rules: Promise<RulesHub> | undefined;
  const fatalListeners: Array<(err: Error) => void> = [];
  const ctx: ServiceContext = {
    config,
    detectors: options.detectors,
    environment: options.environment ?? EMPTY_ENVIRONMENT,
    topics,
    log,
    metrics,
    bus,
    mode: config.kafkaBrokers === undefined ? 'embedded' : 'kafka',
    store() {
      store ??= openConfiguredStore(config, { migrate: options.migrate === true || 'embedded' }).catch(
        (err: unknown) => {
          store = undefined;
          throw err;
        },
      );
      return store;
    },
    ruleBook: new RuleBook(),
    rules() {
      rules ??= (async () => {
        const ids = [...new Set(ctx.detectors.map((d) => d.definition.id))];
        const created = new RulesHub(ctx, ctx.ruleBook, ctx.environment.calendars, ids, config.rules);
        await created.start();
        return created;
      })();
      return rules;
    },
    detectorConfig() {
      hub ??= (async () => {
        const created = new DetectorConfigHub(ctx);
        await created.start();
        return created;
      })();
      return hub;
    },
    fatal(err) {
      log.fatal({ err: err.message, code: (err as { code?: string }).code }, 'fatal failure');
      for (const listener of fatalListeners) listener(err);
    },
    onFatal(listener) {
      fatalListeners.push(listener);
    },
    async close() {
      if (hub !== undefined) await (await hub).stop();
      if (rules !== undefined) await (await rules).stop();
      await bus.close();
      if (store !== undefined) await (await store).close();
    },
  };
  return ctx;
}
