/** The overview's chart: alerts per hour, stacked by category, as SVG with a legend. */
import { h, svg } from '../dom.ts';
import { CATEGORIES, clock, label, time } from '../format.ts';
import type { Overview } from '../types.ts';
import { linear, timeTicks } from './axis.ts';

const W = 1000;
const H = 240;
const M = { top: 10, right: 12, bottom: 28, left: 44 };
const HOUR = 3_600_000;

export function barsChart(o: Overview): HTMLElement {
  const from = Math.floor(Date.parse(o.from) / HOUR) * HOUR;
  const to = Date.parse(o.to);
  const hours = new Map<number, Map<string, number>>();
  for (const r of o.by_hour) {
    const t = Date.parse(r.hour);
    const m = hours.get(t) ?? new Map<string, number>();
    m.set(r.category, r.alerts);
    hours.set(t, m);
  }
  const totals = [...hours.values()].map((m) => [...m.values()].reduce((a, b) => a + b, 0));
  const x = linear([from, to], [M.left, W - M.right]);
  const y = linear([0, Math.max(...totals, 1)], [H - M.bottom, M.top], 4);
  const bw = Math.max(((W - M.left - M.right) * HOUR) / Math.max(to - from, HOUR) - 1, 1);
  const root = svg('svg', {
    viewBox: `0 0 ${W} ${H}`,
    class: 'chart bars',
    role: 'img',
    'aria-labelledby': 'bars-title',
  });
  root.append(
    svg(
      'title',
      { id: 'bars-title' },
      `Alerts per hour by category, ${o.total} alerts from ${time(o.from)} to ${time(o.to)} UTC`,
    ),
  );
  for (const v of y.ticks) {
    root.append(
      svg('line', { class: 'grid', x1: M.left, x2: W - M.right, y1: y(v), y2: y(v) }),
      svg('text', { class: 'tick', x: M.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, String(v)),
    );
  }
  for (const t of timeTicks(from, to, 8)) {
    const text = to - from > 2 * 86_400_000 ? new Date(t).toISOString().slice(5, 10) : clock(t);
    root.append(svg('text', { class: 'tick', x: x(t), y: H - 8, 'text-anchor': 'middle' }, text));
  }
  for (const [t, m] of hours) {
    let base = 0;
    for (const c of CATEGORIES) {
      const n = m.get(c) ?? 0;
      if (n === 0) continue;
      root.append(
        svg(
          'rect',
          {
            class: `bar cat-${c}`,
            x: x(t),
            width: bw,
            y: y(base + n),
            height: Math.max(y(base) - y(base + n), 1),
          },
          svg('title', {}, `${time(t)}: ${n} ${label(c)}`),
        ),
      );
      base += n;
    }
  }
  const present = CATEGORIES.filter((c) => o.by_hour.some((r) => r.category === c));
  const legend = h(
    'ul',
    { class: 'legend' },
    ...present.map((c) => h('li', {}, h('span', { class: `swatch cat-${c}` }), label(c))),
  );
  return h('figure', { class: 'chart-figure' }, root, h('figcaption', {}, legend));
}
