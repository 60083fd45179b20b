/**
 * The queue's filters: read from and written to the URL fragment (so a filtered queue can
 * be bookmarked and shared — it never holds the key), turned into API query parameters,
 * and applied to live alerts the same way the server applies them to the list.
 */
import { h } from '../dom.ts';
import { CATEGORIES, label, SEVERITIES, STATUSES } from '../format.ts';
import type { Alert } from '../types.ts';

export interface Filters {
  range: string;
  severity: string[];
  category: string;
  detector: string;
  entity: string;
  tenant: string;
  status: string;
  q: string;
  sort: string;
}

export const RANGES: Record<string, number | null> = {
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
  all: null,
};

export function readFilters(params: URLSearchParams): Filters {
  const get = (k: string, d = ''): string => params.get(k) ?? d;
  return {
    range: get('range', '7d') in RANGES ? get('range', '7d') : '7d',
    severity: get('severity')
      .split(',')
      .filter((s) => (SEVERITIES as readonly string[]).includes(s)),
    category: get('category'),
    detector: get('detector'),
    entity: get('entity'),
    tenant: get('tenant'),
    status: get('status', 'open'),
    q: get('q'),
    sort: get('sort', 'last_seen'),
  };
}

export function toHash(f: Filters): string {
  const p = new URLSearchParams();
  if (f.range !== '7d') p.set('range', f.range);
  if (f.severity.length > 0) p.set('severity', f.severity.join(','));
  for (const k of ['category', 'detector', 'entity', 'tenant', 'q'] as const) if (f[k] !== '') p.set(k, f[k]);
  if (f.status !== 'open') p.set('status', f.status);
  if (f.sort !== 'last_seen') p.set('sort', f.sort);
  const s = p.toString();
  return `#/queue${s === '' ? '' : `?${s}`}`;
}

export function toApiQuery(f: Filters, openedAt: number): Record<string, string | undefined> {
  const span = RANGES[f.range];
  return {
    from: span === null || span === undefined ? undefined : String(openedAt - span),
    severity: f.severity.join(',') || undefined,
    category: f.category || undefined,
    detector: f.detector || undefined,
    entity: f.entity || undefined,
    tenant: f.tenant || undefined,
    status: f.status === 'any' ? undefined : f.status,
    q: f.q || undefined,
    sort: f.sort,
  };
}

/** Whether a live alert belongs in the filtered queue (new alerts are open). */
export function matches(f: Filters, a: Alert, status = 'open'): boolean {
  const text = f.q.toLowerCase();
  const detectors = f.detector.split(',').filter((d) => d !== '');
  return (
    (f.severity.length === 0 || f.severity.includes(a.severity)) &&
    (f.category === '' || a.category === f.category) &&
    (detectors.length === 0 ||
      detectors.some((d) => (d.endsWith('.*') ? a.detector.startsWith(d.slice(0, -1)) : a.detector === d))) &&
    (f.entity === '' || a.entity.id === f.entity) &&
    (f.tenant === '' || a.tenant === f.tenant) &&
    (f.status === 'any' || f.status === status) &&
    (text === '' ||
      a.title.toLowerCase().includes(text) ||
      a.description.toLowerCase().includes(text) ||
      a.entity.id === f.q)
  );
}

const field = (id: string, text: string, control: HTMLElement): HTMLElement =>
  h('div', { class: 'field' }, h('label', { for: id }, text), control);

const select = (id: string, value: string, options: Array<[string, string]>): HTMLSelectElement =>
  h(
    'select',
    { id, name: id },
    ...options.map(([v, t]) => h('option', { value: v, selected: v === value }, t)),
  );

/** The filter form; `apply` gets the new filters on submit. */
export function filterForm(f: Filters, detectors: string[], apply: (f: Filters) => void): HTMLFormElement {
  const text = (id: keyof Filters, value: string, extra: Record<string, string> = {}) =>
    h('input', { id: `f-${id}`, name: id, type: 'search', value, autocomplete: 'off', ...extra });
  const severities = h(
    'fieldset',
    { class: 'field severities' },
    h('legend', {}, 'Severity'),
    ...SEVERITIES.map((s) =>
      h(
        'label',
        { class: `check sev-check-${s}` },
        h('input', { type: 'checkbox', name: 'severity', value: s, checked: f.severity.includes(s) }),
        s,
      ),
    ),
  );
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter alerts' },
    field(
      'f-range',
      'Time range',
      select('f-range', f.range, [
        ['1h', 'last hour'],
        ['24h', 'last 24 h'],
        ['7d', 'last 7 days'],
        ['30d', 'last 30 days'],
        ['all', 'all time'],
      ]),
    ),
    severities,
    field(
      'f-category',
      'Category',
      select('f-category', f.category, [
        ['', 'any'],
        ...CATEGORIES.map((c): [string, string] => [c, label(c)]),
      ]),
    ),
    field(
      'f-detector',
      'Detector',
      text('detector', f.detector, { list: 'detector-ids', placeholder: 'e.g. access.*' }),
    ),
    field('f-entity', 'Entity', text('entity', f.entity)),
    field('f-tenant', 'Tenant', text('tenant', f.tenant)),
    field(
      'f-status',
      'Status',
      select('f-status', f.status, [['any', 'any'], ...STATUSES.map((s): [string, string] => [s, label(s)])]),
    ),
    field('f-q', 'Search', text('q', f.q, { placeholder: 'title, description, entity  ( / )' })),
    field(
      'f-sort',
      'Sort by',
      select('f-sort', f.sort, [
        ['last_seen', 'last seen'],
        ['score', 'score'],
      ]),
    ),
    h(
      'div',
      { class: 'field actions' },
      h('button', { type: 'submit' }, 'Apply'),
      h('a', { href: '#/queue', class: 'button secondary' }, 'Reset'),
    ),
    h('datalist', { id: 'detector-ids' }, ...detectors.map((d) => h('option', { value: d }))),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const str = (k: string): string => String(data.get(k) ?? '').trim();
    apply({
      range: String(data.get('f-range') ?? '7d'),
      severity: data.getAll('severity').map(String),
      category: String(data.get('f-category') ?? ''),
      detector: str('detector'),
      entity: str('entity'),
      tenant: str('tenant'),
      status: String(data.get('f-status') ?? 'open'),
      q: str('q'),
      sort: String(data.get('f-sort') ?? 'last_seen'),
    });
  });
  return form;
}
