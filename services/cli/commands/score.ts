/**
 * `vigil score --input S.csv --output O.csv` (docs/architecture.md, "Command line"): anomaly scores for one series
 * (`timestamp` and `value` columns) or for one device's metrics (`timestamp` and several
 * numeric columns; score-rows.ts says what is written for each). O has a line for every
 * input row, in the same order. Causal: rows are streamed through the detectors one at a
 * time, so a row's score depends only on it and the rows before it.
 *
 * Rows whose values are not numbers, or whose timestamp does not parse, are kept with
 * score 0 and not learned. Timestamps: RFC 3339, `YYYY-MM-DD HH:MM[:SS[.fff]]` (UTC when
 * no offset is given), or epoch seconds / milliseconds.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { errorMessage, vigilError } from '../../../shared/errors.ts';
import { parseCommandArgs, requireOption } from '../args.ts';
import type { Command } from '../command.ts';
import { splitCsvLine } from '../csv.ts';
import { rowScorer, type RowScorer } from './score-rows.ts';

const usage = `Usage: vigil score --input S.csv --output O.csv

Scores a CSV with Vigil's univariate detector (the detector behind facility.metric).
With "timestamp" and "value" columns, O.csv gets "timestamp,value,anomaly_score" for
every input row in the same order, the score in [0, 1]. With "timestamp" and several
numeric columns instead (one device's metrics), O.csv keeps them and adds one combined
"anomaly_score" and an "anomaly_score_<column>" per column. Scoring is causal. Rows
without numbers score 0 and are kept.

Options:
  --input S     CSV file to score (required)
  --output O    CSV file to write (required)
`;

export interface ScoreSummary {
  rows: number;
  scored: number;
  skipped: number;
  alerts: number;
}

/** Streams `input` through a fresh detector into `output`. */
export async function scoreCsv(input: string, output: string): Promise<ScoreSummary> {
  if (!existsSync(input) || !statSync(input).isFile())
    throw vigilError('VGL_ERR_INPUT_FILE', [input, 'no such file']);
  const out = createWriteStream(output);
  const failed = new Promise<never>((_, reject) =>
    out.once('error', (err) =>
      reject(vigilError('VGL_ERR_OUTPUT_FILE', [output, errorMessage(err)], { cause: err })),
    ),
  );
  failed.catch(() => undefined);
  const write = async (line: string): Promise<void> => {
    if (!out.write(line)) await Promise.race([once(out, 'drain'), failed]);
  };
  // Open the output before the input: readline emits lines as soon as data arrives, and
  // lines emitted before the `for await` loop starts would be lost.
  try {
    await Promise.race([once(out, 'open'), failed]);
  } catch (err) {
    out.destroy();
    throw err;
  }
  const source = createReadStream(input, { encoding: 'utf8' });
  const lines = createInterface({ input: source, crlfDelay: Number.POSITIVE_INFINITY });
  const summary: ScoreSummary = { rows: 0, scored: 0, skipped: 0, alerts: 0 };
  // The header is written once the first data row shows which columns are numeric.
  let names: string[] | null = null;
  let scorer: RowScorer | null = null;
  try {
    for await (const raw of lines) {
      const line = names === null ? raw.replace(/^\uFEFF/, '') : raw;
      if (line.trim() === '') continue;
      const cells = splitCsvLine(line);
      if (names === null) {
        names = cells;
        continue;
      }
      if (scorer === null) {
        scorer = rowScorer(input, names, cells);
        await write(`${scorer.header}\n`);
      }
      summary.rows++;
      const r = scorer.score(cells);
      if (r.scored) summary.scored++;
      else summary.skipped++;
      if (r.alert) summary.alerts++;
      await write(`${r.line}\n`);
    }
    if (scorer === null)
      await write(`${names === null ? 'timestamp,value,anomaly_score' : rowScorer(input, names).header}\n`);
  } catch (err) {
    if (err instanceof Error && 'code' in err && (err as NodeJS.ErrnoException).syscall === 'read') {
      throw vigilError('VGL_ERR_INPUT_FILE', [input, errorMessage(err)], { cause: err });
    }
    throw err;
  } finally {
    lines.close();
    source.destroy();
    out.end();
  }
  await Promise.race([once(out, 'finish'), failed]);
  return summary;
}

export const score: Command = {
  name: 'score',
  summary: "score a CSV series (timestamp,value) or a device's metrics (timestamp + numeric columns)",
  usage,
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, { input: { type: 'string' }, output: { type: 'string' } });
    const input = requireOption(values.input, '--input');
    const output = requireOption(values.output, '--output');
    const s = await scoreCsv(input, output);
    io.stderr.write(
      `scored ${s.scored} of ${s.rows} rows (${s.skipped} not numeric or without a valid timestamp); ` +
        `${s.alerts} anomalous episodes; wrote ${output}\n`,
    );
    return 0;
  },
};
