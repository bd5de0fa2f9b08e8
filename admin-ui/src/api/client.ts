import { ApiProblem, networkProblem, problemFrom } from './problem';

export const API_BASE = '/admin/api';

let csrfToken: string | null = null;
let onUnauthorized: () => void = () => {};

/** The session body carries the CSRF token; every write must echo it (the cookie alone is not enough). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called on any 401 so the app can drop its session and show the login page. */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** The login form handles its own 401 (`invalid_credentials`). */
  expectUnauthorized?: boolean;
}

/** Path relative to /admin/api, e.g. `/apps` or `/apps/app_1/v1/orders?status=paid`. */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;

  let res: Response;
  try {
    res = await fetch(`${API_BASE}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw networkProblem(error);
  }
  if (!res.ok) {
    const problem = await problemFrom(res);
    if (res.status === 401 && !options.expectUnauthorized) onUnauthorized();
    throw problem;
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const apiGet = <T>(path: string, signal?: AbortSignal): Promise<T> => apiRequest<T>(path, { signal });
export const apiPost = <T>(path: string, body?: unknown, headers?: Record<string, string>): Promise<T> => apiRequest<T>(path, { method: 'POST', body: body ?? {}, headers });

/** The public API of one app through the admin bridge. */
export const appPath = (appId: string, v1Path: string): string => `/apps/${encodeURIComponent(appId)}/v1${v1Path}`;

/** Query string from the non-empty entries. */
export function query(params: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export { ApiProblem };
