/**
 * What `vigil score` writes for each input row, by the input's header:
 *  - a `value` column: one series, `timestamp,value,anomaly_score` (other columns ignored);
 *  - otherwise every column but `timestamp` whose first data cell is a number (or empty):
 *    one device's metrics, `timestamp,<metrics…>,anomaly_score,anomaly_score_<metric>…`,
 *    the combined score from shared/stats/multivariate-detector.ts.
 * Scoring is causal either way: each row goes through the detectors once, in order.
 */
import { vigilError } from '../../../shared/errors.ts';
import { MultivariateDetector } from '../../../shared/stats/multivariate-detector.ts';
import { UnivariateDetector } from '../../../shared/stats/univariate-detector.ts';
import { csvField, formatScore, parseTimestamp, parseValue } from '../csv.ts';

export interface ScoredRow {
  /** The output line, without its newline. */
  line: string;
  /** False when the row had no valid timestamp or no number to learn. */
  scored: boolean;
  /** True on a row that opens an anomalous episode. */
  alert: boolean;
}

export interface RowScorer {
  readonly header: string;
  score(cells: readonly string[]): ScoredRow;
}

/**
 * The scorer for a header (`names`, as written) and the first data row (`first`;
 * undefined for a header-only file). Throws VGL_ERR_INPUT_FILE when nothing can be scored.
 */
export function rowScorer(input: string, names: readonly string[], first?: readonly string[]): RowScorer {
  const lower = names.map((c) => c.trim().toLowerCase());
  const tsCol = lower.indexOf('timestamp');
  const valueCol = lower.indexOf('value');
  if (tsCol >= 0 && valueCol >= 0) return univariate(tsCol, valueCol);
  const numeric = lower.flatMap((_, i) => {
    if (i === tsCol) return [];
    const cell = first?.[i]?.trim() ?? '';
    return cell === '' || Number.isFinite(Number(cell)) ? [i] : [];
  });
  if (tsCol < 0 || numeric.length === 0) {
    throw vigilError('VGL_ERR_INPUT_FILE', [
      input,
      'the header needs a "timestamp" column and a "value" column (or several numeric columns)',
    ]);
  }
  return multivariate(
    tsCol,
    numeric,
    numeric.map((i) => (names[i] as string).trim()),
  );
}

function univariate(tsCol: number, valueCol: number): RowScorer {
  const detector = new UnivariateDetector();
  return {
    header: 'timestamp,value,anomaly_score',
    score(cells) {
      const tsText = cells[tsCol] ?? '';
      const valueText = cells[valueCol] ?? '';
      const t = parseTimestamp(tsText);
      const x = parseValue(valueText);
      const ok = Number.isFinite(t) && Number.isFinite(x);
      const r = ok ? detector.update(t, x) : null;
      const line = `${csvField(tsText)},${csvField(valueText)},${formatScore(r?.score ?? 0)}`;
      return { line, scored: ok, alert: r?.alert ?? false };
    },
  };
}

function multivariate(tsCol: number, cols: readonly number[], names: readonly string[]): RowScorer {
  const detector = new MultivariateDetector(names);
  const values = new Float64Array(cols.length);
  const header = ['timestamp', ...names, 'anomaly_score', ...names.map((n) => `anomaly_score_${n}`)];
  return {
    header: header.map(csvField).join(','),
    score(cells) {
      const tsText = cells[tsCol] ?? '';
      const t = parseTimestamp(tsText);
      let present = 0;
      cols.forEach((c, j) => {
        values[j] = Number.isFinite(t) ? parseValue(cells[c] ?? '') : Number.NaN;
        if (Number.isFinite(values[j])) present++;
      });
      const out = [csvField(tsText), ...cols.map((c) => csvField(cells[c] ?? ''))];
      if (present === 0) {
        out.push(...Array.from({ length: cols.length + 1 }, () => '0'));
        return { line: out.join(','), scored: false, alert: false };
      }
      const r = detector.update(t, values);
      out.push(formatScore(r.combined.score), ...r.columns.map((c) => formatScore(c?.score ?? 0)));
      return { line: out.join(','), scored: true, alert: r.combined.alert };
    },
  };
}
