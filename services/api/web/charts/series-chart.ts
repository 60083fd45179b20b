/**
 * The alert view's chart, hand-written SVG (no chart library: this is one line, one band
 * and a few marks): the measure per minute around the alert, the detector's baseline band
 * and expected value, the alert's episode shaded, anomalous minutes marked. Drawn for a
 * screen reader too: the SVG has a title and a summary, and the numbers sit in a table.
 */
import { h, svg } from '../dom.ts';
import { clock, num, time } from '../format.ts';
import type { Chart } from '../types.ts';
import { linear, timeTicks } from './axis.ts';

const W = 1000;
const H = 260;
const M = { top: 12, right: 16, bottom: 28, left: 56 };
const MINUTE = 60_000;

/** Minutes without events are 0 for counts and sums; for means they are gaps. */
function filled(
  chart: Chart,
): Array<{ t: number; value: number | null; anomalous: boolean; events: number }> {
  const zero = chart.measure === 'count' || chart.measure === 'sum';
  const at = new Map(chart.points.map((p) => [p.t, p]));
  const out = [];
  for (let t = Date.parse(chart.from); t < Date.parse(chart.to); t += MINUTE) {
    const p = at.get(t);
    out.push(p ?? { t, value: zero ? 0 : null, anomalous: false, events: 0 });
  }
  return out;
}

export function seriesChart(chart: Chart, episode: { first: string; last: string }): HTMLElement {
  const from = Date.parse(chart.from);
  const to = Date.parse(chart.to);
  const points = filled(chart);
  const values = points.flatMap((p) => (p.value === null ? [] : [p.value]));
  const extent = [...values, ...(chart.band ?? []), ...(chart.expected !== null ? [chart.expected] : [])];
  const lo = Math.min(...extent, chart.measure === 'avg' ? Infinity : 0);
  const hi = Math.max(...extent, 1e-9);
  const pad = (hi - lo) * 0.08 || 1;
  const x = linear([from, to], [M.left, W - M.right]);
  const y = linear([lo === Infinity ? 0 : lo - (lo === 0 ? 0 : pad), hi + pad], [H - M.bottom, M.top]);
  const anomalous = chart.points.filter((p) => p.anomalous);
  const peak = anomalous.reduce<(typeof anomalous)[number] | undefined>(
    (best, p) => (best === undefined || p.value > best.value ? p : best),
    undefined,
  );
  const summary =
    `${chart.label}, ${chart.points.length} minutes with events from ${clock(from)} to ${clock(to)} UTC` +
    (chart.band !== null ? `; baseline band ${num(chart.band[0])} to ${num(chart.band[1])}` : '') +
    (chart.expected !== null ? `; expected ${num(chart.expected)}` : '') +
    `; ${anomalous.length} anomalous minute${anomalous.length === 1 ? '' : 's'}` +
    (peak !== undefined ? `, highest ${num(peak.value)} at ${clock(peak.t)}` : '') +
    '.';

  const root = svg('svg', {
    viewBox: `0 0 ${W} ${H}`,
    class: 'chart series',
    role: 'img',
    'aria-labelledby': 'chart-title chart-desc',
  });
  root.append(svg('title', { id: 'chart-title' }, chart.label), svg('desc', { id: 'chart-desc' }, summary));
  for (const v of y.ticks) {
    root.append(
      svg('line', { class: 'grid', x1: M.left, x2: W - M.right, y1: y(v), y2: y(v) }),
      svg('text', { class: 'tick', x: M.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, num(v)),
    );
  }
  for (const t of timeTicks(from, to)) {
    root.append(svg('text', { class: 'tick', x: x(t), y: H - 8, 'text-anchor': 'middle' }, clock(t)));
  }
  const e0 = Math.max(Math.floor(Date.parse(episode.first) / MINUTE) * MINUTE, from);
  const e1 = Math.min(Date.parse(episode.last) + MINUTE, to);
  root.append(
    svg('rect', {
      class: 'episode',
      x: x(e0),
      width: Math.max(x(e1) - x(e0), 2),
      y: M.top,
      height: H - M.top - M.bottom,
    }),
  );
  if (chart.band !== null) {
    const [b0, b1] = chart.band;
    root.append(
      svg(
        'rect',
        {
          class: 'band',
          x: M.left,
          width: W - M.left - M.right,
          y: y(b1),
          height: Math.max(y(b0) - y(b1), 1),
        },
        svg('title', {}, `baseline ${num(b0)} – ${num(b1)}`),
      ),
    );
  }
  if (chart.expected !== null) {
    root.append(
      svg('line', {
        class: 'expected',
        x1: M.left,
        x2: W - M.right,
        y1: y(chart.expected),
        y2: y(chart.expected),
      }),
    );
  }
  let d = '';
  let pen = false;
  for (const p of points) {
    if (p.value === null) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.value).toFixed(1)}`;
    pen = true;
  }
  root.append(svg('path', { class: 'line', d }));
  for (const p of chart.points) {
    root.append(
      svg(
        'circle',
        {
          class: p.anomalous ? 'point anomalous' : 'point',
          cx: x(p.t),
          cy: y(p.value),
          r: p.anomalous ? 4.5 : 2,
        },
        svg(
          'title',
          {},
          `${time(p.t)} — ${num(p.value)} (${p.events} events)${p.anomalous ? ', anomalous' : ''}`,
        ),
      ),
    );
  }
  root.append(svg('line', { class: 'axis', x1: M.left, x2: M.left, y1: M.top, y2: H - M.bottom }));

  const legend = h(
    'ul',
    { class: 'legend' },
    h('li', {}, h('span', { class: 'swatch line' }), chart.label),
    chart.band !== null && h('li', {}, h('span', { class: 'swatch band' }), 'baseline band (expected range)'),
    chart.expected !== null &&
      h('li', {}, h('span', { class: 'swatch expected' }), `expected ${num(chart.expected)}`),
    h('li', {}, h('span', { class: 'swatch episode' }), 'alert episode'),
    h('li', {}, h('span', { class: 'swatch anomalous' }), 'anomalous minute'),
  );
  const table = h(
    'details',
    { class: 'chart-data' },
    h('summary', {}, 'Chart data'),
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'minute (UTC)'),
          h('th', { scope: 'col' }, 'value'),
          h('th', { scope: 'col' }, 'events'),
          h('th', { scope: 'col' }, 'anomalous'),
        ),
      ),
      h(
        'tbody',
        {},
        ...chart.points.map((p) =>
          h(
            'tr',
            {},
            h('td', {}, time(p.t)),
            h('td', {}, num(p.value)),
            h('td', {}, p.events),
            h('td', {}, p.anomalous ? 'yes' : ''),
          ),
        ),
      ),
    ),
  );
  return h('figure', { class: 'chart-figure' }, root, h('figcaption', {}, legend), table);
}
