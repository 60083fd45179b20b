/**
 * Reading an event's watched metrics into a row, compiled once per device kind. The
 * generic loop (`metrics[column]` with the column varying) is a keyed load that V8 can
 * only serve from its megamorphic cache, on every metric of every event; a reader with
 * one named load per column (`m.load_pct`, …) keeps each load monomorphic per event shape.
 * Column names come from the validated metric enum; anything else gets the generic loop.
 */

/** Writes the event's value of each column into `row` (NaN where absent); returns how many it has. */
export type RowReader = (row: Float64Array, metrics: Partial<Record<string, number>>) => number;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function rowReader(columns: readonly string[]): RowReader {
  if (!columns.every((c) => IDENTIFIER.test(c))) return (row, metrics) => fill(row, columns, metrics);
  const body = columns
    .map((c, i) => `x = m.${c}; if (x === undefined) row[${i}] = NaN; else { row[${i}] = x; n++; }`)
    .join('\n');
  // Built from identifiers checked above: no input reaches the source text.
  return new Function('row', 'm', `let n = 0; let x;\n${body}\nreturn n;`) as RowReader;
}

/** The generic reader (any column names, and a device's own columns). */
export function fill(
  row: Float64Array,
  columns: readonly string[],
  metrics: Partial<Record<string, number>>,
): number {
  let seen = 0;
  for (let i = 0; i < columns.length; i++) {
    const x = metrics[columns[i] as string];
    if (x === undefined) row[i] = Number.NaN;
    else {
      row[i] = x;
      seen++;
    }
  }
  return seen;
}
