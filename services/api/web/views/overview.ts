/** The overview: alerts per hour by category, severities, top detectors and entities. */
import { api, query } from '../api.ts';
import { barsChart } from '../charts/bars-chart.ts';
import type { ViewContext } from '../context.ts';
import { h, replace } from '../dom.ts';
import { label } from '../format.ts';
import type { Overview } from '../types.ts';
import { severityBadge } from './badges.ts';

const RANGES: Record<string, number> = { '24h': 24, '7d': 7 * 24, '30d': 30 * 24 };

export function overviewView(main: HTMLElement, _ctx: ViewContext, params: URLSearchParams): void {
  const range = params.get('range') ?? '24h';
  const tenant = params.get('tenant') ?? '';
  const hours = RANGES[range] ?? 24;
  const out = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  const form = h(
    'form',
    { class: 'filters', 'aria-label': 'Overview range' },
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'o-range' }, 'Range'),
      h(
        'select',
        { id: 'o-range', name: 'range' },
        ...Object.keys(RANGES).map((r) => h('option', { value: r, selected: r === range }, `last ${r}`)),
      ),
    ),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'o-tenant' }, 'Tenant'),
      h('input', { id: 'o-tenant', name: 'tenant', type: 'search', value: tenant }),
    ),
    h('div', { class: 'field actions' }, h('button', { type: 'submit' }, 'Show')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = new FormData(form);
    location.hash = `#/overview${query({ range: String(data.get('range')), tenant: String(data.get('tenant') ?? '').trim() })}`;
  });
  replace(main, h('h1', {}, 'Overview'), form, out);
  // The range ends now, or at the newest alert when event time runs ahead (replays, the demo).
  api<Overview>(`/api/v1/overview${query({ hours: String(hours), tenant })}`)
    .then((o) => {
      const queue = (k: string, v: string): string =>
        `#/queue${query({ [k]: v, status: 'any', range: range === '24h' ? '24h' : range })}`;
      replace(
        out,
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'hourly' },
          h('h2', { id: 'hourly' }, `Alerts per hour by category — ${o.total} in total`),
          barsChart(o),
        ),
        h(
          'div',
          { class: 'grid3' },
          h(
            'section',
            { class: 'card', 'aria-labelledby': 'sev' },
            h('h2', { id: 'sev' }, 'By severity'),
            o.total === 0 && h('p', { class: 'muted' }, 'No alerts in this range.'),
            h(
              'ul',
              { class: 'plain' },
              ...o.by_severity.map((s) => h('li', {}, severityBadge(s.severity), ` ${s.alerts}`)),
            ),
          ),
          h(
            'section',
            { class: 'card', 'aria-labelledby': 'topdet' },
            h('h2', { id: 'topdet' }, 'Top detectors'),
            h(
              'ol',
              {},
              ...o.top_detectors.map((d) =>
                h(
                  'li',
                  {},
                  h('a', { href: queue('detector', d.detector), class: 'mono' }, d.detector),
                  ` — ${d.alerts}`,
                ),
              ),
            ),
          ),
          h(
            'section',
            { class: 'card', 'aria-labelledby': 'topent' },
            h('h2', { id: 'topent' }, 'Top entities'),
            h(
              'ol',
              {},
              ...o.top_entities.map((e) =>
                h(
                  'li',
                  {},
                  severityBadge(e.max_severity),
                  ' ',
                  h('a', { href: queue('entity', e.entity_id) }, `${label(e.entity_type)}: ${e.entity_id}`),
                  ` — ${e.alerts}`,
                ),
              ),
            ),
          ),
        ),
      );
    })
    .catch((err: unknown) =>
      replace(
        out,
        h('p', { class: 'error', role: 'alert' }, `Could not load the overview: ${(err as Error).message}`),
      ),
    );
}
