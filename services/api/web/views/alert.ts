/**
 * One alert: what was observed against what baseline (title, description, evidence), the
 * chart of its measure around it, triage actions and history, an incident's timeline of
 * parts across streams, related alerts and the raw events.
 */
import { api } from '../api.ts';
import { seriesChart } from '../charts/series-chart.ts';
import type { ViewContext } from '../context.ts';
import { h, replace } from '../dom.ts';
import { label, time, value } from '../format.ts';
import type { Detail } from '../types.ts';
import { alertHref, severityBadge, statusBadge } from './badges.ts';
import { historyTable, triagePanel } from './triage.ts';

const section = (id: string, title: string, ...children: Array<Node | string | false | null>) =>
  h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), ...children);

function evidenceTable(d: Detail): HTMLElement {
  const rows = Object.entries(d.evidence).map(([k, v]) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, label(k)),
      h('td', { class: k === 'sample_event_ids' ? 'mono' : '' }, value(v)),
    ),
  );
  return h('table', { class: 'kv evidence' }, h('tbody', {}, ...rows));
}

function timeline(d: Detail): HTMLElement | null {
  if (d.timeline === null) return null;
  return section(
    'timeline-title',
    'Incident timeline',
    h(
      'ol',
      { class: 'timeline' },
      ...d.timeline.map((p) =>
        h(
          'li',
          { class: `stream-${p.stream}` },
          h('time', { datetime: p.first_seen }, time(p.first_seen)),
          h('span', { class: 'stream' }, p.stream),
          severityBadge(p.severity),
          h('a', { href: alertHref(p.alert_id) }, p.title),
          h('span', { class: 'mono muted' }, ` ${p.detector}`),
        ),
      ),
    ),
    d.timeline.length === 0 &&
      h('p', { class: 'muted' }, 'The parts of this incident are not stored (or not visible to your key).'),
  );
}

function eventsTable(d: Detail): HTMLElement {
  if (d.events.length === 0) return h('p', { class: 'muted' }, 'No stored events around this alert.');
  const samples = new Set(d.evidence.sample_event_ids);
  return h(
    'table',
    { class: 'events' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['Time (UTC)', 'Event id', 'Type', 'Tenant', 'Body'].map((t) => h('th', { scope: 'col' }, t)),
      ),
    ),
    h(
      'tbody',
      {},
      ...d.events.map((e) =>
        h(
          'tr',
          { class: samples.has(e.event_id) ? 'sample' : '' },
          h('td', {}, time(e.ts)),
          h(
            'td',
            { class: 'mono' },
            e.event_id,
            samples.has(e.event_id) && h('span', { class: 'tag' }, 'sample'),
          ),
          h('td', {}, e.type),
          h('td', {}, e.tenant),
          h(
            'td',
            {},
            h('details', {}, h('summary', {}, 'JSON'), h('pre', {}, JSON.stringify(e.body, null, 2))),
          ),
        ),
      ),
    ),
  );
}

export function alertView(main: HTMLElement, ctx: ViewContext, id: string): void {
  const render = async (): Promise<void> => {
    let d: Detail;
    try {
      d = await api<Detail>(`/api/v1/alerts/${encodeURIComponent(id)}`);
    } catch (err) {
      replace(
        main,
        h('p', { class: 'error', role: 'alert' }, `Could not load alert ${id}: ${(err as Error).message}`),
        h('a', { href: '#/queue' }, 'Back to the queue'),
      );
      return;
    }
    const meta: Array<[string, Node | string]> = [
      ['Status', statusBadge(d.status)],
      ['Detector', h('span', { class: 'mono' }, d.detector)],
      ['Category', label(d.category)],
      ['Entity', `${d.entity.type}: ${d.entity.id}`],
      ['Tenant', d.tenant],
      ['Score', String(Math.round(d.score))],
      ['First seen', time(d.first_seen)],
      ['Last seen', time(d.last_seen)],
      ['Events', String(d.event_count)],
      ['Techniques', d.techniques.join(', ') || '—'],
      ['Alert id', h('span', { class: 'mono' }, d.alert_id)],
    ];
    replace(
      main,
      h('p', {}, h('a', { href: '#/queue' }, '← Queue')),
      h('h1', { class: `alert-title sev-row-${d.severity}` }, severityBadge(d.severity), ' ', d.title),
      h('p', { class: 'description' }, d.description),
      h('dl', { class: 'meta' }, ...meta.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v)))),
      timeline(d) ?? '',
      d.chart !== null &&
        section(
          'chart-title-h',
          'Measured around the alert',
          seriesChart(d.chart, { first: d.first_seen, last: d.last_seen }),
        ),
      section('evidence-title', 'Evidence', evidenceTable(d)),
      section(
        'triage-title',
        'Triage',
        triagePanel(d, ctx.me, () => void render()),
        h('h3', { id: 'history-title' }, 'History'),
        historyTable(d.history),
      ),
      d.related_alerts.length > 0 &&
        section(
          'related-title',
          'Related alerts',
          h(
            'ul',
            {},
            ...d.related_alerts.map((r) =>
              h(
                'li',
                {},
                severityBadge(r.severity),
                ' ',
                h('a', { href: alertHref(r.alert_id) }, r.title),
                ` — ${time(r.first_seen)}`,
              ),
            ),
          ),
        ),
      section('events-title', 'Raw events around it', eventsTable(d)),
    );
  };
  ctx.onLive((a) => {
    // Keep the view current while an anomaly persists.
    if (a.alert_id === id) void render();
  });
  void render();
  main.focus();
}
