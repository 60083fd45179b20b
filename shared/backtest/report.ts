/**
 * A backtest's results: the JSON of the command-line contract (DESIGN.md §6, kept exactly),
 * and the text table people read. One ConfigResult per config, in the order given
 * (default first).
 */
import type { Alert } from '../events/types.ts';
import type { DetectorMetrics } from './metrics.ts';

export interface ConfigResult {
  /** The config file's path, or "default". */
  config: string;
  detectors: Record<string, DetectorMetrics>;
  events: number;
  invalid: number;
  alerts: Alert[];
  /** Rule applications by rule id. */
  ruleCounts: Record<string, number>;
  detectorFailures: number;
}

export interface BacktestJson {
  configs: Array<{ config: string; detectors: Record<string, DetectorMetrics> }>;
}

export function backtestJson(results: readonly ConfigResult[]): BacktestJson {
  return {
    configs: results.map((r) => ({
      config: r.config,
      detectors: Object.fromEntries(
        Object.entries(r.detectors).map(([id, m]) => [
          id,
          {
            alerts: m.alerts,
            precision: m.precision,
            recall: m.recall,
            median_delay_minutes: m.median_delay_minutes,
            false_alerts_per_day: m.false_alerts_per_day,
          },
        ]),
      ),
    })),
  };
}

const cell = (v: number | null, digits: number): string => (v === null ? '–' : v.toFixed(digits));

/** A fixed-width table: one line per detector and config, then per-config totals and rules. */
export function backtestTable(results: readonly ConfigResult[]): string {
  const ids = [...new Set(results.flatMap((r) => Object.keys(r.detectors)))].sort();
  const head = ['detector', 'config', 'alerts', 'precision', 'recall', 'delay_min', 'false/day'];
  const rows: string[][] = [];
  for (const id of ids) {
    results.forEach((r, i) => {
      const m = r.detectors[id];
      if (m === undefined) return;
      rows.push([
        i === 0 ? id : '',
        r.config,
        String(m.alerts),
        cell(m.precision, 3),
        cell(m.recall, 3),
        cell(m.median_delay_minutes, 1),
        m.false_alerts_per_day.toFixed(3),
      ]);
    });
  }
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (r: string[]): string =>
    r
      .map((v, c) => (c < 2 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!)))
      .join('  ')
      .trimEnd();
  const out = [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ''];
  for (const r of results) {
    const rules = Object.entries(r.ruleCounts)
      .map(([id, n]) => `${id} ${n}`)
      .join(', ');
    out.push(
      `${r.config}: ${r.events} events, ${r.alerts.length} alerts` +
        (r.invalid > 0 ? `, ${r.invalid} invalid lines` : '') +
        (r.detectorFailures > 0 ? `, ${r.detectorFailures} detector failures` : '') +
        (rules === '' ? '' : `; rules applied: ${rules}`),
    );
  }
  return `${out.join('\n')}\n`;
}
