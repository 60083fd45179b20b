/**
 * `vigil score --input S.csv --output O.csv`: univariate anomaly scores for one series
 * (docs/architecture.md, "Command line"). S has a header naming `timestamp` and `value` columns (any order,
 * other columns ignored); O gets `timestamp,value,anomaly_score` for every input row in
 * the same order. Causal: rows are streamed through the detector one at a time, so a
 * row's score depends only on it and the rows before it.
 *
 * Rows whose value is not a number, or whose timestamp does not parse, are kept with
 * score 0 and not learned. Timestamps: RFC 3339, `YYYY-MM-DD HH:MM[:SS[.fff]]` (UTC when
 * no offset is given), or epoch seconds / milliseconds.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { errorMessage, vigilError } from '../../../shared/errors.ts';
import { UnivariateDetector } from '../../../shared/stats/univariate-detector.ts';
import { parseCommandArgs, requireOption } from '../args.ts';
import type { Command } from '../command.ts';

const usage = `Usage: vigil score --input S.csv --output O.csv

Scores one numeric series with Vigil's univariate detector (the detector behind
facility.metric). S.csv needs a header with "timestamp" and "value" columns; O.csv gets
"timestamp,value,anomaly_score" for every input row in the same order, with the score in
[0, 1]. Scoring is causal. Non-numeric values score 0 and are kept.

Options:
  --input S     CSV file to score (required)
  --output O    CSV file to write (required)
`;

/** Epoch ms of a timestamp cell, or NaN. */
export function parseTimestamp(text: string): number {
  const s = text.trim();
  if (s === '') return Number.NaN;
  if (/^-?\d+(\.\d+)?$/.test(s)) {
    const n = Number(s);
    // Ten-digit epochs are seconds (until 2286); longer ones milliseconds.
    return Math.abs(n) < 1e11 ? n * 1000 : n;
  }
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$/i.exec(s);
  if (m !== null) {
    const time = (m[2] as string).length === 5 ? `${m[2]}:00` : (m[2] as string);
    return Date.parse(`${m[1]}T${time}${m[3] ?? 'Z'}`);
  }
  return /^\d{4}-\d{2}-\d{2}$/.test(s) ? Date.parse(`${s}T00:00:00Z`) : Number.NaN;
}

/** Splits one CSV line (RFC 4180 quoting, no embedded newlines). */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A cell's number, or NaN for empty or non-numeric text (Number('') would be 0). */
function parseValue(text: string): number {
  const s = text.trim();
  return s === '' ? Number.NaN : Number(s);
}

function formatScore(x: number): string {
  const v = Math.min(1, Math.max(0, Number.isFinite(x) ? x : 0));
  return v === 0 ? '0' : v === 1 ? '1' : v.toFixed(6);
}

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
    await write('timestamp,value,anomaly_score\n');
  } catch (err) {
    out.destroy();
    throw err;
  }
  const source = createReadStream(input, { encoding: 'utf8' });
  const lines = createInterface({ input: source, crlfDelay: Number.POSITIVE_INFINITY });
  const detector = new UnivariateDetector();
  const summary: ScoreSummary = { rows: 0, scored: 0, skipped: 0, alerts: 0 };
  let tsCol = -1;
  let valueCol = -1;
  let header = true;
  try {
    for await (const raw of lines) {
      const line = header ? raw.replace(/^\uFEFF/, '') : raw;
      if (line.trim() === '') continue;
      const cells = splitCsvLine(line);
      if (header) {
        const names = cells.map((c) => c.trim().toLowerCase());
        tsCol = names.indexOf('timestamp');
        valueCol = names.indexOf('value');
        if (tsCol < 0 || valueCol < 0) {
          throw vigilError('VGL_ERR_INPUT_FILE', [input, 'the header needs "timestamp" and "value" columns']);
        }
        header = false;
        continue;
      }
      summary.rows++;
      const tsText = cells[tsCol] ?? '';
      const valueText = cells[valueCol] ?? '';
      const t = parseTimestamp(tsText);
      const x = parseValue(valueText);
      let score = 0;
      if (Number.isFinite(t) && Number.isFinite(x)) {
        const r = detector.update(t, x);
        score = r.score;
        summary.scored++;
        if (r.alert) summary.alerts++;
      } else summary.skipped++;
      await write(`${csvField(tsText)},${csvField(valueText)},${formatScore(score)}\n`);
    }
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
  summary: 'score one CSV series (timestamp,value) with the univariate detector',
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
