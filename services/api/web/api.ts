/**
 * The console's API client. The key lives in sessionStorage (this tab only, gone when it
 * closes) and travels only in the Authorization header — never in a URL or a cookie.
 */
const KEY = 'vigil.api-key';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const session = {
  key: (): string | null => sessionStorage.getItem(KEY),
  set: (key: string): void => sessionStorage.setItem(KEY, key),
  clear: (): void => sessionStorage.removeItem(KEY),
};

/** Called when the server no longer accepts the key (401): the app signs out. */
let onUnauthorized: () => void = () => undefined;
export const whenUnauthorized = (fn: () => void): void => {
  onUnauthorized = fn;
};

export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; key?: string } = {},
): Promise<T> {
  const key = init.key ?? session.key();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (key !== null) headers['authorization'] = `Bearer ${key}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    headers,
    credentials: 'omit',
    cache: 'no-store',
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
  });
  const body = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
  if (!res.ok) {
    if (res.status === 401 && init.key === undefined) onUnauthorized();
    throw new ApiError(res.status, body.error?.code ?? 'HTTP', body.error?.message ?? res.statusText);
  }
  return body as T;
}

export function query(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}
