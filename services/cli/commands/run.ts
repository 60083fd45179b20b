/** `vigil run <service|all>`: run services until SIGTERM/SIGINT, then drain and exit 0. */
import { once } from 'node:events';
import { vigilError } from '../../../shared/errors.ts';
import { startAlertConsole } from '../../../shared/runtime/alert-console.ts';
import { createContext } from '../../../shared/runtime/context.ts';
import type { RunningService } from '../../../shared/runtime/service.ts';
import { startServices } from '../../../shared/runtime/supervisor.ts';
import { parseCommandArgs } from '../args.ts';
import { runAdminKey, runBanner } from '../banner.ts';
import { boot } from '../boot.ts';
import type { Command } from '../command.ts';
import { startDemoFeed } from '../demo-feed.ts';
import { SERVICE_NAMES, findServices } from '../services.ts';

const usage = `Usage: vigil run <service|all> [--config C] [--demo] [--print-alerts]

Services: ${SERVICE_NAMES.join(', ')}, or all.
With KAFKA_BROKERS unset, everything runs in this process on the embedded bus and
embedded ClickHouse. SIGTERM or Ctrl-C drains in-flight batches, flushes, commits and
exits 0.

Options:
  --config C       detector config file (default: $VIGIL_CONFIG)
  --demo           feed simulated traffic with recurring attacks (npm start does this)
  --print-alerts   print each new alert on stdout (default with --demo)
`;

export const run: Command = {
  name: 'run',
  summary: 'run one service or all of them',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      config: { type: 'string' },
      demo: { type: 'boolean', default: false },
      'print-alerts': { type: 'boolean' },
    });
    const name = positionals[0];
    if (name === undefined) throw vigilError('VGL_ERR_CLI_USAGE', ['name a service to run, or "all"']);
    // The API reports the readiness of the whole process, known once everything started.
    const readiness = { notReady: (): string[] => ['starting'] };
    const { config, detectors } = boot(values.config);
    const runKey = runAdminKey(config);
    const definitions = findServices(name, {
      notReady: () => readiness.notReady(),
      extraKeys: runKey !== undefined ? [runKey] : [],
    });
    if (definitions.length === 0) {
      throw vigilError('VGL_ERR_CLI_USAGE', [
        `unknown service "${name}" (known: ${SERVICE_NAMES.join(', ')}, all)`,
      ]);
    }
    const ctx = await createContext({ config, detectors, clientId: `vigil-${name}` });
    await ctx.bus.ensureTopics();
    ctx.log.info({ mode: ctx.mode, services: definitions.map((d) => d.name) }, 'starting');

    const extra: RunningService[] = [];
    if (values['print-alerts'] ?? values.demo) extra.push(await startAlertConsole(ctx, io.stdout));
    const supervisor = await startServices(ctx, definitions, extra);
    readiness.notReady = supervisor.notReady;
    if (values.demo) supervisor.add(await startDemoFeed(ctx));
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

    const signal = await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
    ctx.log.info({ signal }, 'shutting down');
    await supervisor.stop();
    return 0;
  },
};
