/** `vigil backtest`: recorded events under the default config and each given one, side by side. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { statSync } from 'node:fs';
import { backtestHtml } from '../../../shared/backtest/html.ts';
import { parseLabels, type LabelSet } from '../../../shared/backtest/labels.ts';
import { detectorMetrics } from '../../../shared/backtest/metrics.ts';
import { backtestJson, backtestTable, type ConfigResult } from '../../../shared/backtest/report.ts';
import { resolveConfig } from '../../../shared/config/index.ts';
import { vigilError } from '../../../shared/errors.ts';
import { parseCommandArgs } from '../args.ts';
import { detectorIds, loadBacktestConfig } from '../backtest/config-shard.ts';
import { BacktestProgress } from '../backtest/progress.ts';
import { runConfigs, type LineInput } from '../backtest/run-configs.ts';
import { clickhouseInput, fileInput } from '../backtest/sources.ts';
import type { Command } from '../command.ts';

const usage = `Usage: vigil backtest (--input F.ndjson | --from T --to T) [--labels L.json]
                      [--config A.yaml --config B.yaml …] [--json] [--html R.html] [--workers N]

Replays recorded events through the detectors under the built-in default config and each
--config, side by side, exactly as the live services would run them (same partitions,
event time, rules and calendars), and reports per detector and config: alerts and, with
--labels, precision, recall, median detection delay and false alerts per day.

Options:
  --input F        NDJSON events (one event per line, in time order)
  --from T --to T  instead of --input: the ClickHouse events table in [T, T) (RFC 3339)
  --labels L       ground truth: the simulator's labels.json, or \`vigil feedback export\`
  --config C       a config file to compare with the default (repeatable)
  --json           print only {"configs":[{"config","detectors":{id:{alerts,precision,
                   recall,median_delay_minutes,false_alerts_per_day}}}]}
  --html R         also write a self-contained HTML report with alerts over time
  --workers N      worker threads (default: every core for inputs over 16 MB, else 0)
`;

const AUTO_WORKERS_BYTES = 16 * 1024 * 1024;

function readLabels(path: string): LabelSet {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw vigilError('VGL_ERR_LABELS_INVALID', [path, (err as Error).message], { cause: err });
  }
  return parseLabels(json, path);
}

function parseTime(value: string, flag: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw vigilError('VGL_ERR_CLI_USAGE', [`${flag}: expected an RFC 3339 date-time`]);
  return ms;
}

export const backtest: Command = {
  name: 'backtest',
  summary: 'compare configs on recorded events: alerts, precision, recall, delay',
  usage,
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, {
      input: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      labels: { type: 'string' },
      config: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      html: { type: 'string' },
      workers: { type: 'string' },
    });
    const ranged = values.from !== undefined || values.to !== undefined;
    if ((values.input === undefined) === !ranged)
      throw vigilError('VGL_ERR_CLI_USAGE', ['give --input F, or --from and --to (the events table)']);
    if (values.input !== undefined && !existsSync(values.input))
      throw vigilError('VGL_ERR_INPUT_FILE', [values.input, 'no such file']);
    const files = [undefined, ...(values.config ?? [])];
    // Every config is validated here, before any work: all problems at once, with the file.
    for (const f of files) loadBacktestConfig(f);
    const labels = values.labels === undefined ? undefined : readLabels(values.labels);
    const workersText = values.workers;
    const big = values.input !== undefined && statSync(values.input).size > AUTO_WORKERS_BYTES;
    const workers =
      workersText === undefined
        ? big || ranged
          ? availableParallelism()
          : 0
        : Number.parseInt(workersText, 10);
    if (!Number.isInteger(workers) || workers < 0)
      throw vigilError('VGL_ERR_CLI_USAGE', ['--workers: expected a whole number ≥ 0']);

    let input: LineInput & { close?(): Promise<void> };
    let source: string;
    if (values.input !== undefined) {
      input = fileInput(values.input);
      source = values.input;
    } else {
      const range = {
        fromMs: parseTime(values.from ?? '', '--from'),
        toMs: parseTime(values.to ?? '', '--to'),
      };
      input = await clickhouseInput(resolveConfig(), range);
      source = `events table ${values.from} – ${values.to}`;
    }

    const started = process.hrtime.bigint();
    const progress = new BacktestProgress(io.stderr);
    let runs;
    try {
      runs = await runConfigs(input, { configs: files, workers, onProgress: (f) => progress.update(f) });
    } finally {
      progress.done();
      await input.close?.();
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;

    const fromMs = Math.min(...runs.map((r) => r.minTs).filter((t) => t > 0));
    const toMs = Math.max(...runs.map((r) => r.maxTs));
    const span = Number.isFinite(fromMs) ? toMs - fromMs : 0;
    const ids = detectorIds();
    const results: ConfigResult[] = runs.map((r, i) => ({
      config: files[i] ?? 'default',
      detectors: detectorMetrics(ids, r.alerts, labels, span),
      events: r.events,
      invalid: r.invalid,
      alerts: r.alerts,
      ruleCounts: r.ruleCounts,
      detectorFailures: r.detectorFailures,
    }));

    if (values.json) io.stdout.write(`${JSON.stringify(backtestJson(results))}\n`);
    else io.stdout.write(backtestTable(results));
    if (values.html !== undefined) {
      const attacks = (labels?.labels ?? [])
        .filter((l) => l.benign !== true && l.detectors.some((d) => ids.includes(d)))
        .map((l) => ({ name: l.name, startMs: Date.parse(l.start), endMs: Date.parse(l.end) }));
      const html = backtestHtml(results, {
        input: source,
        fromMs,
        toMs,
        labels: values.labels,
        attacks,
        seconds,
      });
      try {
        writeFileSync(values.html, html);
      } catch (err) {
        throw vigilError('VGL_ERR_OUTPUT_FILE', [values.html, (err as Error).message], { cause: err });
      }
    }
    const events = runs[0]?.events ?? 0;
    const rate = Math.round((events * files.length) / Math.max(seconds, 1e-9)).toLocaleString('en-US');
    io.stderr.write(
      `backtest: ${events} events × ${files.length} configs in ${seconds.toFixed(2)} s ` +
        `(${rate} events/s over all configs; ${workers > 0 ? `${workers} worker threads` : 'one thread'})\n`,
    );
    return 0;
  },
};
