/** Sign-in: an API key, checked against /api/v1/me, kept in sessionStorage for this tab. */
import { api, ApiError, session } from '../api.ts';
import { h, replace } from '../dom.ts';
import type { Me } from '../types.ts';

export function signIn(main: HTMLElement, done: (me: Me) => void, reason?: string): void {
  const input = h('input', {
    id: 'api-key',
    name: 'api-key',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    'aria-describedby': 'key-help',
  });
  const error = h('p', { class: 'error', role: 'alert', id: 'signin-error' }, reason ?? '');
  const form = h(
    'form',
    { class: 'signin card', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, 'Sign in to Vigil'),
    h('label', { for: 'api-key' }, 'API key'),
    input,
    h(
      'p',
      { id: 'key-help', class: 'muted' },
      'A key from VIGIL_API_KEYS (or the one `npm start` printed). It stays in this tab only and is sent as a Bearer header.',
    ),
    error,
    h('button', { type: 'submit' }, 'Sign in'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const key = input.value.trim();
    error.textContent = '';
    api<Me>('/api/v1/me', { key })
      .then((me) => {
        session.set(key);
        done(me);
      })
      .catch((err: unknown) => {
        error.textContent =
          err instanceof ApiError && err.status === 401
            ? 'That key is not valid.'
            : `Sign-in failed: ${String(err)}`;
        input.focus();
      });
  });
  replace(main, form);
  input.focus();
}
