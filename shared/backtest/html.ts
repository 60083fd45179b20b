/**
 * The backtest's HTML report: one self-contained page (inline CSS and SVG, no scripts, no
 * external assets, so it can be mailed or attached to a change request) with alerts over
 * event time per config as a line chart, and the per-detector table.
 */
import type { ConfigResult } from './report.ts';

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const HOUR_MS = 3_600_000;

const escape = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Alerts started per bucket, per config; buckets of an hour, or a day beyond ten days. */
export function alertTimeline(
  results: readonly ConfigResult[],
  fromMs: number,
  toMs: number,
): { bucketMs: number; starts: number[]; counts: number[][] } {
  const bucketMs = toMs - fromMs > 10 * 24 * HOUR_MS ? 24 * HOUR_MS : HOUR_MS;
  const first = Math.floor(fromMs / bucketMs) * bucketMs;
  const n = Math.max(1, Math.ceil((toMs - first + 1) / bucketMs));
  const starts = Array.from({ length: n }, (_, i) => first + i * bucketMs);
  const counts = results.map((r) => {
    const c = new Array<number>(n).fill(0);
    for (const a of r.alerts) {
      const i = Math.floor((Date.parse(a.first_seen) - first) / bucketMs);
      if (i >= 0 && i < n) c[i]!++;
    }
    return c;
  });
  return { bucketMs, starts, counts };
}

export interface Marked {
  name: string;
  startMs: number;
  endMs: number;
}

function chart(
  results: readonly ConfigResult[],
  fromMs: number,
  toMs: number,
  attacks: readonly Marked[],
): string {
  const { bucketMs, starts, counts } = alertTimeline(results, fromMs, toMs);
  const [w, h, left, bottom] = [960, 280, 40, 30];
  const max = Math.max(1, ...counts.flat());
  const x = (i: number): number => left + (i / Math.max(1, starts.length - 1)) * (w - left - 10);
  const y = (v: number): number => h - bottom - (v / max) * (h - bottom - 10);
  const lines = counts.map((c, k) => {
    const points = c.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    const colour = COLOURS[k % COLOURS.length]!;
    return `<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${points}"><title>${escape(results[k]!.config)}</title></polyline>`;
  });
  // Labelled attacks as shaded bands, so a config's missing spike is visible at a glance.
  const at = (ms: number): number => x((ms - starts[0]!) / bucketMs);
  const bands = attacks.map(
    (a) =>
      `<rect x="${at(a.startMs).toFixed(1)}" y="10" width="${Math.max(2, at(a.endMs) - at(a.startMs)).toFixed(1)}" height="${h - bottom - 10}" fill="#f2c94c" opacity="0.35"><title>${escape(a.name)}</title></rect>`,
  );
  const ticks = [0, Math.round(max / 2), max].map(
    (v) => `<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${v}</text>`,
  );
  const step = Math.max(1, Math.floor(starts.length / 8));
  const labels = starts
    .map((s, i) =>
      i % step === 0
        ? `<text x="${x(i)}" y="${h - 10}" text-anchor="middle">${new Date(s)
            .toISOString()
            .slice(5, bucketMs < 86_400_000 ? 13 : 10)
            .replace('T', ' ')}h</text>`
        : '',
    )
    .join('');
  const legend = results
    .map(
      (r, k) =>
        `<span class="key" style="border-color:${COLOURS[k % COLOURS.length]}">${escape(r.config)}</span>`,
    )
    .join(' ');
  return `<p>Alerts started per ${bucketMs === HOUR_MS ? 'hour' : 'day'} of event time (UTC) ${legend}${attacks.length > 0 ? ' <span class="key" style="border-color:#f2c94c">labelled attacks</span>' : ''}</p>
<svg viewBox="0 0 ${w} ${h}" role="img" aria-label="alerts over time per config">
<line x1="${left}" y1="${h - bottom}" x2="${w - 10}" y2="${h - bottom}" stroke="#999"/>${bands.join('')}${ticks.join('')}${labels}${lines.join('')}</svg>`;
}

function table(results: readonly ConfigResult[]): string {
  const ids = [...new Set(results.flatMap((r) => Object.keys(r.detectors)))].sort();
  const fmt = (v: number | null, d: number): string => (v === null ? '–' : v.toFixed(d));
  const rows = ids.flatMap((id) =>
    results.map((r, i) => {
      const m = r.detectors[id]!;
      return `<tr${i === 0 ? ' class="first"' : ''}><td>${i === 0 ? escape(id) : ''}</td><td>${escape(r.config)}</td><td>${m.alerts}</td><td>${fmt(m.precision, 3)}</td><td>${fmt(m.recall, 3)}</td><td>${fmt(m.median_delay_minutes, 1)}</td><td>${m.false_alerts_per_day.toFixed(3)}</td></tr>`;
    }),
  );
  return `<table><thead><tr><th>detector</th><th>config</th><th>alerts</th><th>precision</th><th>recall</th><th>median delay (min)</th><th>false alerts / day</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function backtestHtml(
  results: readonly ConfigResult[],
  meta: {
    input: string;
    fromMs: number;
    toMs: number;
    labels: string | undefined;
    /** Labelled attacks, drawn as bands. */
    attacks?: readonly Marked[];
    seconds: number;
  },
): string {
  const rules = results
    .map(
      (r) =>
        `<li>${escape(r.config)}: ${r.events} events, ${r.alerts.length} alerts${Object.entries(r.ruleCounts)
          .map(([id, n]) => `; rule ${escape(id)} applied ${n}×`)
          .join('')}</li>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Vigil backtest</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}svg{width:100%;max-width:960px;font-size:10px}
table{border-collapse:collapse}td,th{padding:3px 10px;text-align:right}td:nth-child(-n+2),th:nth-child(-n+2){text-align:left}
tr.first td{border-top:1px solid #ccc}.key{border-left:12px solid;padding-left:4px;margin-left:8px}</style></head>
<body><h1>Vigil backtest</h1>
<p>Input ${escape(meta.input)}: ${new Date(meta.fromMs).toISOString()} – ${new Date(meta.toMs).toISOString()}; labels: ${escape(meta.labels ?? 'none')}; ${meta.seconds.toFixed(1)} s.</p>
${chart(results, meta.fromMs, meta.toMs, meta.attacks ?? [])}
${table(results)}
<ul>${rules}</ul>
</body></html>
`;
}
