/**
 * Triage on the alert view: the actions (for roles that may triage) and their history. The
 * actor is whoever the key is — the server records it; the page never sends one.
 */
import { api } from '../api.ts';
import { announce, h } from '../dom.ts';
import { label, time } from '../format.ts';
import type { Action, Detail, Me } from '../types.ts';

export function historyTable(history: Action[]): HTMLElement {
  if (history.length === 0) return h('p', { class: 'muted', id: 'history-empty' }, 'No triage actions yet.');
  return h(
    'table',
    { class: 'history', 'aria-labelledby': 'history-title' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['When (UTC)', 'Actor', 'Role', 'Action', 'Assignee', 'Note'].map((t) =>
          h('th', { scope: 'col' }, t),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      ...history.map((a) =>
        h(
          'tr',
          {},
          h('td', {}, time(a.at)),
          h('td', { class: 'actor' }, a.actor),
          h('td', {}, a.role),
          h('td', {}, label(a.action)),
          h('td', {}, a.assignee),
          h('td', {}, a.note),
        ),
      ),
    ),
  );
}

export function triagePanel(alert: Detail, me: Me, reload: () => void): HTMLElement {
  if (!me.can.triage) {
    return h(
      'p',
      { class: 'muted', id: 'triage-readonly' },
      `Your key (${me.role}) can read alerts but not triage them.`,
    );
  }
  const note = h('textarea', { id: 'triage-note', name: 'note', rows: 2, maxlength: 4096 });
  const assignee = h('input', {
    id: 'triage-assignee',
    name: 'assignee',
    type: 'text',
    maxlength: 256,
    autocomplete: 'off',
  });
  const error = h('p', { class: 'error', role: 'alert' });
  const act = (action: string) => async (): Promise<void> => {
    error.textContent = '';
    if (action === 'assign' && assignee.value.trim() === '') {
      error.textContent = 'Name someone to assign the alert to.';
      assignee.focus();
      return;
    }
    if (action === 'comment' && note.value.trim() === '') {
      error.textContent = 'Write the comment in the note first.';
      note.focus();
      return;
    }
    try {
      await api(`/api/v1/alerts/${alert.alert_id}/actions`, {
        method: 'POST',
        body: {
          action,
          ...(note.value.trim() !== '' && { note: note.value.trim() }),
          ...(action === 'assign' && { assignee: assignee.value.trim() }),
        },
      });
      announce(`${label(action)} recorded`);
      reload();
    } catch (err) {
      error.textContent = `Could not record ${label(action)}: ${(err as Error).message}`;
    }
  };
  const button = (action: string, text: string, cls = ''): HTMLButtonElement => {
    const b = h('button', { type: 'button', class: cls }, text);
    b.addEventListener('click', () => void act(action)());
    return b;
  };
  const closed = alert.status === 'resolved' || alert.status === 'false_positive';
  return h(
    'form',
    { class: 'triage', 'aria-labelledby': 'triage-title', id: 'triage' },
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'triage-note' }, 'Note (optional; the comment text)'),
      note,
    ),
    h(
      'div',
      { class: 'buttons' },
      !closed && alert.status !== 'acknowledged' && button('acknowledge', 'Acknowledge'),
      !closed && button('resolve', 'Resolve'),
      !closed && button('false_positive', 'False positive', 'secondary'),
      closed && button('reopen', 'Reopen'),
      button('comment', 'Comment', 'secondary'),
    ),
    h(
      'div',
      { class: 'field inline' },
      h('label', { for: 'triage-assignee' }, 'Assign to'),
      assignee,
      button('assign', 'Assign', 'secondary'),
    ),
    error,
  );
}
