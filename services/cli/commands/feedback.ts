/** `vigil feedback export`: analysts' verdicts (resolved, false positive) as backtest labels. */
import { writeFileSync } from 'node:fs';
import { resolveConfig } from '../../../shared/config/index.ts';
import { vigilError } from '../../../shared/errors.ts';
import { feedbackLabels } from '../../../shared/tuning/feedback-labels.ts';
import { parseCommandArgs } from '../args.ts';
import type { Command } from '../command.ts';

const usage = `Usage: vigil feedback export [--from T] [--to T] [--out labels.json]

Writes the triage verdicts recorded in ClickHouse (alert_actions) as labels for
\`vigil backtest --labels\`: resolved alerts as confirmed detections, false-positive marks
as benign labels, each over its alert's span. Only the latest of resolve, false_positive
and reopen counts (a reopened alert has no verdict). Alerts are chosen by first_seen.

Options:
  --from T, --to T   only alerts that began in [T, T) (RFC 3339)
  --out F            write here (default: standard output)
`;

function time(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw vigilError('VGL_ERR_CLI_USAGE', [`${flag}: expected an RFC 3339 date-time`]);
  return ms;
}

export const feedback: Command = {
  name: 'feedback',
  summary: 'export false-positive marks and resolutions as backtest labels',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      from: { type: 'string' },
      to: { type: 'string' },
      out: { type: 'string' },
    });
    if (positionals[0] !== 'export' || positionals.length > 1)
      throw vigilError('VGL_ERR_CLI_USAGE', ['the feedback command is "vigil feedback export"']);
    const fromMs = time(values.from, '--from');
    const toMs = time(values.to, '--to');
    const config = resolveConfig();
    // Loaded only here: the embedded engine is a large native library.
    const { openConfiguredStore } = await import('../../../shared/runtime/store.ts');
    const { alertVerdicts } = await import('../../../shared/store/feedback-queries.ts');
    const store = await openConfiguredStore(config);
    let verdicts;
    try {
      verdicts = await alertVerdicts(store.client, config.clickhouse.database, {
        ...(fromMs !== undefined && { fromMs }),
        ...(toMs !== undefined && { toMs }),
      });
    } finally {
      await store.close();
    }
    const text = `${JSON.stringify(feedbackLabels(verdicts, Date.now()), null, 2)}\n`;
    if (values.out === undefined) io.stdout.write(text);
    else {
      try {
        writeFileSync(values.out, text);
      } catch (err) {
        throw vigilError('VGL_ERR_OUTPUT_FILE', [values.out, (err as Error).message], { cause: err });
      }
      const fp = verdicts.filter((v) => v.action === 'false_positive').length;
      io.stderr.write(
        `feedback: ${verdicts.length} labels (${fp} false positives, ${verdicts.length - fp} resolved) to ${values.out}\n`,
      );
    }
    return 0;
  },
};
