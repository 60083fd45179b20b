/**
 * The Vigil triage console: sign-in, then a hash-routed single page — #/queue (default),
 * #/alert/<id>, #/overview — with one live feed shared by the views. What the page offers
 * follows the key's role (GET /api/v1/me): integration keys read; analysts and admins triage.
 */
import './styles.css';
import { api, session, whenUnauthorized } from './api.ts';
import type { ViewContext } from './context.ts';
import { h, replace } from './dom.ts';
import { LiveFeed, type LiveState } from './live.ts';
import type { Alert, Me } from './types.ts';
import { alertView } from './views/alert.ts';
import { overviewView } from './views/overview.ts';
import { queueView } from './views/queue.ts';
import { signIn } from './views/signin.ts';

const main = document.getElementById('main')!;
const top = document.getElementById('top')!;
const openedAt = Date.now();
const seen = new Set<string>();
let me: Me | undefined;
let live: LiveFeed | undefined;
let liveListeners: Array<(a: Alert) => void> = [];
let resyncListeners: Array<() => void> = [];
let leave: Array<() => void> = [];

const liveText: Record<LiveState, string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  stopped: 'offline',
};
const livePill = h('span', { class: 'live-pill', id: 'live-state', role: 'status' }, 'offline');
const newCount = h(
  'a',
  { href: '#/queue', class: 'new-count', id: 'new-count', 'aria-live': 'polite' },
  '0 new since open',
);

function header(m: Me): void {
  replace(
    top,
    h('a', { href: '#/queue', class: 'brand' }, 'Vigil'),
    h(
      'nav',
      { 'aria-label': 'Main' },
      h('a', { href: '#/queue', id: 'nav-queue' }, 'Queue'),
      h('a', { href: '#/overview', id: 'nav-overview' }, 'Overview'),
    ),
    livePill,
    newCount,
    h(
      'span',
      { class: 'who', id: 'who' },
      `${m.name} · ${m.role}`,
      m.tenants !== null ? ` · tenants ${m.tenants.join(', ')}` : '',
    ),
    h('button', { type: 'button', class: 'secondary', id: 'sign-out', onclick: () => signOut() }, 'Sign out'),
  );
}

function onAlert(a: Alert): void {
  // New = first detected after the page opened; updates of older alerts are not new.
  if (Date.parse(a.detected_at) >= openedAt) seen.add(a.alert_id);
  newCount.textContent = `${seen.size} new since open`;
  for (const fn of liveListeners) fn(a);
}

function route(): void {
  if (me === undefined) return;
  for (const fn of leave) fn();
  leave = [];
  liveListeners = [];
  resyncListeners = [];
  const ctx: ViewContext = {
    me,
    openedAt,
    onLive: (fn) => liveListeners.push(fn),
    onResync: (fn) => resyncListeners.push(fn),
    onLeave: (fn) => leave.push(fn),
  };
  const hash = location.hash.replace(/^#/, '') || '/queue';
  const [path = '/queue', search = ''] = hash.split('?');
  const params = new URLSearchParams(search);
  for (const a of top.querySelectorAll('nav a')) a.removeAttribute('aria-current');
  const alert = /^\/alert\/([0-9a-f]{32})$/.exec(path);
  if (alert !== null) alertView(main, ctx, alert[1]!);
  else if (path === '/overview') {
    document.getElementById('nav-overview')?.setAttribute('aria-current', 'page');
    overviewView(main, ctx, params);
  } else {
    document.getElementById('nav-queue')?.setAttribute('aria-current', 'page');
    queueView(main, ctx, params);
  }
  document.title = `Vigil — ${alert !== null ? 'alert' : path === '/overview' ? 'overview' : 'queue'}`;
}

function start(m: Me): void {
  me = m;
  header(m);
  live = new LiveFeed({
    alert: onAlert,
    resync: () => resyncListeners.forEach((fn) => fn()),
    state: (s) => {
      livePill.textContent = liveText[s];
      livePill.dataset['state'] = s;
    },
  });
  live.start();
  route();
}

function signOut(reason?: string): void {
  session.clear();
  live?.stop();
  me = undefined;
  top.replaceChildren();
  signIn(main, start, reason);
}

whenUnauthorized(() => signOut('The server no longer accepts this key; sign in again.'));
window.addEventListener('hashchange', route);
// For tests and the curious: drop the live connection as a network failure would.
(window as unknown as { vigilReconnect?: () => void }).vigilReconnect = () => live?.reconnect();

if (session.key() === null) signIn(main, start);
else
  api<Me>('/api/v1/me')
    .then(start)
    .catch(() => signOut());
