/** `vigil replay`: recorded events through the live detectors, with event-time semantics. */
import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { vigilError } from '../../../shared/errors.ts';
import { replayFile } from '../../../shared/pipeline/replay.ts';
import { processorOptions } from '../../../shared/runtime/processor-options.ts';
import type { Alert } from '../../../shared/events/types.ts';
import { SiteDirectory } from '../../../shared/sites/site-directory.ts';
import { correlateAlerts } from '../../correlator/incidents.ts';
import { parseCommandArgs, requireOption } from '../args.ts';
import { boot } from '../boot.ts';
import type { Command } from '../command.ts';

const usage = `Usage: vigil replay --input F.ndjson [--config C] [--alerts-out A.ndjson] [--no-store]

Feeds recorded events (NDJSON, one event per line, in time order) through the same
detectors as the live services, on event time, then the correlator over the alerts they
raised, in time order. Every alert and incident, in its final state, is written as one
JSON line to --alerts-out. Invalid lines are counted and reported on stderr; they never
stop the replay.

Options:
  --input F        NDJSON file of events (required)
  --config C       detector config file (default: $VIGIL_CONFIG)
  --alerts-out A   write alerts here as NDJSON
  --no-store       do not write alerts to ClickHouse
`;

async function writeNdjson(path: string, alerts: readonly Alert[]): Promise<void> {
  const out = createWriteStream(path);
  for (const alert of alerts) {
    if (!out.write(`${JSON.stringify(alert)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

export const replay: Command = {
  name: 'replay',
  summary: 'replay recorded events (NDJSON) through the detectors',
  usage,
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, {
      input: { type: 'string' },
      config: { type: 'string' },
      'alerts-out': { type: 'string' },
      'no-store': { type: 'boolean', default: false },
    });
    const input = requireOption(values.input, '--input');
    if (!existsSync(input)) throw vigilError('VGL_ERR_INPUT_FILE', [input, 'no such file']);
    const { config, detectors, environment, rules, incident } = boot(values.config);

    const summary = await replayFile(input, {
      detectors,
      partitions: config.topics.partitions,
      ...processorOptions(config.pipeline),
      environment,
      rules,
    });

    // The correlator, as live: over the alerts the detectors raised, in time order.
    const incidents = correlateAlerts(summary.alerts, incident, new SiteDirectory(config.sites), Date.now());
    summary.alerts.push(...incidents);

    for (const bad of summary.invalidSamples) {
      io.stderr.write(bad.line > 0 ? `line ${bad.line}: ${bad.reason}\n` : `${bad.reason}\n`);
    }
    if (summary.invalid > summary.invalidSamples.length) {
      io.stderr.write(`… and ${summary.invalid - summary.invalidSamples.length} more invalid lines\n`);
    }
    if (summary.invalid > 0) {
      const late = summary.late > 0 ? ` (${summary.late} of them late events)` : '';
      io.stderr.write(`${summary.invalid} invalid lines skipped${late}\n`);
    }

    if (values['alerts-out'] !== undefined) await writeNdjson(values['alerts-out'], summary.alerts);
    if (!values['no-store'] && summary.alerts.length > 0) {
      // Loaded only when storing: the embedded engine is a large native library.
      const { openConfiguredStore } = await import('../../../shared/runtime/store.ts');
      const { AlertWriter } = await import('../../../shared/store/alert-writer.ts');
      const store = await openConfiguredStore(config);
      try {
        const writer = new AlertWriter(store.client, config.clickhouse.database);
        for (let i = 0; i < summary.alerts.length; i += 5000)
          await writer.write(summary.alerts.slice(i, i + 5000));
      } finally {
        await store.close();
      }
    }
    const rate = Math.round(summary.eventsPerSecond).toLocaleString('en-US');
    io.stdout.write(
      `replayed ${summary.events} events from ${summary.lines} lines in ${summary.seconds.toFixed(2)} s ` +
        `(${rate} events/s); ${summary.invalid} invalid lines; ${summary.alerts.length - incidents.length} alerts; ` +
        `${incidents.length} incidents` +
        `${summary.detectorFailures > 0 ? `; ${summary.detectorFailures} detector failures` : ''}\n`,
    );
    return 0;
  },
};
