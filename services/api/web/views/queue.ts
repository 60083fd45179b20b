/**
 * The triage queue: filtered, sorted alerts with severity colours, cursor paging ("Load
 * more"), and live updates — a new alert that matches the filters appears at the top, an
 * update changes its row in place. Keys: j/k move between alerts, Enter opens, / searches.
 */
import { api, query } from '../api.ts';
import type { ViewContext } from '../context.ts';
import { announce, h, replace } from '../dom.ts';
import { ago, label, time } from '../format.ts';
import type { Alert, AlertRow, Page } from '../types.ts';
import { alertHref, severityBadge, statusBadge } from './badges.ts';
import { filterForm, matches, readFilters, toApiQuery, toHash } from './queue-filters.ts';

function row(a: AlertRow, fresh = false): HTMLTableRowElement {
  return h(
    'tr',
    { class: `sev-row-${a.severity}${fresh ? ' fresh' : ''}`, 'data-alert-id': a.alert_id },
    h('td', {}, severityBadge(a.severity)),
    h('td', { class: 'num' }, Math.round(a.score)),
    h('td', {}, h('a', { href: alertHref(a.alert_id), class: 'alert-link' }, a.title)),
    h('td', { class: 'mono' }, a.detector),
    h('td', {}, `${a.entity.type}: `, h('span', { class: 'mono' }, a.entity.id)),
    h('td', {}, a.tenant),
    h('td', {}, statusBadge(a.status)),
    h('td', { title: time(a.last_seen) }, h('time', { datetime: a.last_seen }, ago(a.last_seen))),
  );
}

export function queueView(main: HTMLElement, ctx: ViewContext, params: URLSearchParams): void {
  const filters = readFilters(params);
  const body = h('tbody', {});
  const status = h('p', { class: 'muted', role: 'status' }, 'Loading…');
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Load more');
  let cursor: string | null = null;
  let loading = false;

  const load = async (reset: boolean): Promise<void> => {
    if (loading) return;
    loading = true;
    try {
      const q = {
        ...toApiQuery(filters, Date.now()),
        limit: '50',
        cursor: reset ? undefined : (cursor ?? undefined),
      };
      const page = await api<Page>(`/api/v1/alerts${query(q)}`);
      if (reset) body.replaceChildren();
      for (const a of page.alerts) body.append(row(a));
      cursor = page.next_cursor;
      more.hidden = cursor === null;
      const n = body.children.length;
      status.textContent =
        n === 0
          ? 'No alerts match these filters.'
          : `${n} alert${n === 1 ? '' : 's'} shown${cursor !== null ? ', more available' : ''}.`;
    } catch (err) {
      status.textContent = `Could not load alerts: ${(err as Error).message}`;
    } finally {
      loading = false;
    }
  };
  more.addEventListener('click', () => void load(false));

  ctx.onLive((a: Alert) => {
    const existing = body.querySelector<HTMLTableRowElement>(`tr[data-alert-id="${CSS.escape(a.alert_id)}"]`);
    if (existing !== null) {
      const status = existing.querySelector('.status')?.className.match(/status-(\w+)/)?.[1] ?? 'open';
      existing.replaceWith(row({ ...a, status: status as AlertRow['status'] }, true));
      return;
    }
    if (!matches(filters, a)) return;
    body.prepend(row({ ...a, status: 'open' }, true));
    announce(`New ${a.severity} alert: ${a.title}`);
  });
  ctx.onResync(() => void load(true));

  const onKey = (e: KeyboardEvent): void => {
    const target = e.target as HTMLElement;
    if (e.altKey || e.ctrlKey || e.metaKey || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) return;
    if (e.key === '/') {
      e.preventDefault();
      document.getElementById('f-q')?.focus();
      return;
    }
    if (e.key !== 'j' && e.key !== 'k') return;
    const links = [...body.querySelectorAll<HTMLAnchorElement>('a.alert-link')];
    if (links.length === 0) return;
    const at = links.indexOf(document.activeElement as HTMLAnchorElement);
    const next = e.key === 'j' ? Math.min(at + 1, links.length - 1) : Math.max(at - 1, 0);
    links[next]!.focus();
    e.preventDefault();
  };
  document.addEventListener('keydown', onKey);
  ctx.onLeave(() => document.removeEventListener('keydown', onKey));

  const table = h(
    'table',
    { class: 'queue', 'aria-describedby': 'queue-help' },
    h('caption', { class: 'visually-hidden' }, 'Alerts'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['Severity', 'Score', 'Title', 'Detector', 'Entity', 'Tenant', 'Status', 'Last seen'].map((t) =>
          h('th', { scope: 'col' }, t),
        ),
      ),
    ),
    body,
  );
  const detectors = [
    'access.*',
    'facility.*',
    'inference.*',
    'physical.*',
    'access.cross_tenant',
    'facility.metric',
  ];
  replace(
    main,
    h('h1', {}, 'Alert queue'),
    filterForm(filters, detectors, (f) => {
      location.hash = toHash(f);
    }),
    h(
      'p',
      { id: 'queue-help', class: 'muted small' },
      `Filters: ${describe(filters)}. Keys: j / k move, Enter opens, / searches.`,
    ),
    status,
    h('div', { class: 'table-wrap' }, table),
    more,
  );
  void load(true);
}

function describe(f: ReturnType<typeof readFilters>): string {
  const parts = [`range ${f.range}`, `status ${label(f.status)}`];
  if (f.severity.length > 0) parts.push(`severity ${f.severity.join(', ')}`);
  for (const k of ['category', 'detector', 'entity', 'tenant', 'q'] as const)
    if (f[k] !== '') parts.push(`${k} ${f[k]}`);
  return parts.join('; ');
}
