/**
 * `vigil run <service|all>`: run services until SIGTERM/SIGINT, then drain and exit 0 —
 * or exit 1 when draining did not finish within `shutdown_timeout_seconds` (nothing that
 * was not processed is committed) or when a consumer failed for good.
 */
import { once } from 'node:events';
import { startHealthServer } from '../../api/health-server.ts';
import { vigilError } from '../../../shared/errors.ts';
import { startAlertConsole } from '../../../shared/runtime/alert-console.ts';
import { watchConfig } from '../../../shared/runtime/config-reload.ts';
import { loadConfiguration } from '../../../shared/runtime/configuration.ts';
import { createContext } from '../../../shared/runtime/context.ts';
import type { RunningService } from '../../../shared/runtime/service.ts';
import { startServices } from '../../../shared/runtime/supervisor.ts';
import { parseCommandArgs } from '../args.ts';
import { runAdminKey, runBanner } from '../banner.ts';
import { boot, RESERVED_SECTIONS } from '../boot.ts';
import { ALL_DETECTORS } from '../catalogue.ts';
import type { Command } from '../command.ts';
import { createLogger } from '../../../shared/log/logger.ts';
import { trackEventLoopDelay } from '../../../shared/metrics/event-loop.ts';
import { SERVICE_NAMES, findServices } from '../services.ts';

const usage = `Usage: vigil run <service[,service…]|all> [--config C] [--migrate] [--demo] [--print-alerts]

Services: ${SERVICE_NAMES.join(', ')}, or all; several may be named, comma-separated.
Named services need Kafka (KAFKA_BROKERS). "all" without KAFKA_BROKERS runs every
service in this process on the embedded bus and, without CLICKHOUSE_URL, embedded
ClickHouse, whose schema it applies itself. SIGTERM or Ctrl-C drains in-flight batches,
commits and exits 0; if that takes longer than pipeline.shutdown_timeout_seconds, it
exits 1 instead. A process without the api serves /healthz, /readyz and /metrics on
VIGIL_HTTP_PORT. On a terminal, logs are printed as text (VIGIL_LOG_FORMAT).

Options:
  --config C       detector config file (default: $VIGIL_CONFIG); watched: a valid change
                   applies while running (detectors, rules, calendars), an invalid one is refused
  --migrate        apply the ClickHouse schema first (else "vigil migrate" must have)
  --demo           feed simulated traffic with recurring attacks (npm start does this)
  --print-alerts   print each new alert on stdout (default with --demo)
`;

type Outcome = { kind: 'signal'; signal: string } | { kind: 'fatal'; err: Error };

export const run: Command = {
  name: 'run',
  summary: 'run one service or all of them',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      config: { type: 'string' },
      demo: { type: 'boolean', default: false },
      migrate: { type: 'boolean', default: false },
      'print-alerts': { type: 'boolean' },
    });
    const name = positionals[0];
    if (name === undefined) throw vigilError('VGL_ERR_CLI_USAGE', ['name a service to run, or "all"']);
    // Readiness of the whole process, known once everything started.
    const readiness = { notReady: (): string[] => ['starting'] };
    const booted = boot(values.config);
    const runKey = runAdminKey(booted.config);
    const definitions = findServices(name, {
      notReady: () => readiness.notReady(),
      extraKeys: runKey !== undefined ? [runKey] : [],
    });
    if (definitions.length === 0) {
      throw vigilError('VGL_ERR_CLI_USAGE', [
        `unknown service "${name}" (known: ${SERVICE_NAMES.join(', ')}, all)`,
      ]);
    }
    const { detectors, environment } = booted;
    // Only the whole set may share one process's embedded bus: a lone monitor on its own
    // in-memory bus would silently see no events.
    if (name !== 'all' && booted.config.kafkaBrokers === undefined) {
      throw vigilError('VGL_ERR_CLI_KAFKA_REQUIRED', [name]);
    }
    // The demo's simulated clock runs ahead of the wall clock (an hour a minute).
    const config = values.demo
      ? { ...booted.config, pipeline: { ...booted.config.pipeline, max_future_skew_minutes: 0 } }
      : booted.config;
    const format =
      config.logFormat === 'auto' ? (process.stderr.isTTY === true ? 'pretty' : 'json') : config.logFormat;
    const log = createLogger({ level: config.logLevel, format });
    const ctx = await createContext({
      config,
      detectors,
      environment,
      log,
      migrate: values.migrate,
      clientId: `vigil-${name}`,
    });
    const untrack = trackEventLoopDelay(ctx.metrics.registry);
    const fatal = new Promise<Outcome>((resolve) => ctx.onFatal((err) => resolve({ kind: 'fatal', err })));
    await ctx.bus.ensureTopics();
    ctx.log.info({ mode: ctx.mode, services: definitions.map((d) => d.name) }, 'starting');

    const extra: RunningService[] = [];
    if (!definitions.some((d) => d.name === 'api')) {
      const listen = { port: config.httpPort, host: config.httpHost };
      extra.push(await startHealthServer(ctx, () => readiness.notReady(), listen));
    }
    if (values['print-alerts'] ?? values.demo) extra.push(await startAlertConsole(ctx, io.stdout));
    const supervisor = await startServices(ctx, definitions, extra);
    readiness.notReady = supervisor.notReady;
    if (values.demo) {
      // The simulator is loaded only for the demo.
      const { startDemoFeed } = await import('../demo-feed.ts');
      supervisor.add(await startDemoFeed(ctx));
    }
    const file = booted.config.configFile;
    if (file !== undefined) {
      const load = () => loadConfiguration(ALL_DETECTORS, { configFile: file }, RESERVED_SECTIONS);
      supervisor.add(watchConfig(ctx, { file, load, environment, initial: booted.config }));
    }
    if (ctx.mode === 'embedded') {
      io.stderr.write(
        runBanner(
          name,
          config,
          runKey,
          definitions.some((d) => d.name === 'api'),
        ),
      );
    }

    const signal = Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]).then(([s]): Outcome => ({
      kind: 'signal',
      signal: String(s),
    }));
    const outcome = await Promise.race([signal, fatal]);
    ctx.log.info(
      outcome.kind === 'signal' ? { signal: outcome.signal } : { fatal: outcome.err.message },
      'shutting down',
    );
    const seconds = config.pipeline.shutdown_timeout_seconds;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), seconds * 1000);
    });
    const drained = await Promise.race([supervisor.stop().then(() => false), timedOut]);
    clearTimeout(timer);
    untrack();
    if (drained) {
      const err = vigilError('VGL_ERR_SHUTDOWN_TIMEOUT', [
        seconds,
        supervisor.stopping().join(', ') || 'closing',
      ]);
      ctx.log.error({ code: err.code }, err.message);
      io.stderr.write(`vigil run: ${err.message} [${err.code}]\n`);
      return 1;
    }
    return outcome.kind === 'fatal' ? 1 : 0;
  },
};
