import { ApiError, apiErrorFromResponse } from './api-error.ts';
import { getAccessToken, setAccessToken } from './session-storage.ts';

export const API_BASE = '/api/v1';

export type QueryValue = string | number | boolean | null | undefined | readonly string[];
export type QueryParams = Record<string, QueryValue>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: QueryParams;
  body?: unknown;
  signal?: AbortSignal;
  /** Login itself answers 401 for wrong credentials: that must not log the user out. */
  skipAuthRedirect?: boolean;
}

type UnauthorizedListener = () => void;
let onUnauthorized: UnauthorizedListener | null = null;

/** The app registers one handler that clears the session and routes to /login. */
export function setUnauthorizedHandler(listener: UnauthorizedListener | null): void {
  onUnauthorized = listener;
}

export function buildQuery(query: QueryParams | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) {
      for (const v of value) params.append(key, v);
    } else {
      params.append(key, String(value));
    }
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = getAccessToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(`${API_BASE}${path}${buildQuery(options.query)}`, {
      method: options.method ?? 'GET',
      headers,
      body,
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({
      code: 'NETWORK_ERROR',
      message: 'Cannot reach the Flowgate server. Check your connection.',
      status: 0,
    });
  }
  const text = await response.text();
  if (!response.ok) {
    const error = apiErrorFromResponse(response.status, text, response.headers.get('x-request-id'));
    if (response.status === 401 && !options.skipAuthRedirect) {
      setAccessToken(null);
      onUnauthorized?.();
    }
    throw error;
  }
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    return text as T;
  }
}

export const api = {
  get: <T>(path: string, query?: QueryParams, signal?: AbortSignal) => apiRequest<T>(path, { query, signal }),
  post: <T>(path: string, body?: unknown, query?: QueryParams) =>
    apiRequest<T>(path, { method: 'POST', body: body ?? {}, query }),
  put: <T>(path: string, body?: unknown, query?: QueryParams) =>
    apiRequest<T>(path, { method: 'PUT', body: body ?? {}, query }),
  patch: <T>(path: string, body?: unknown, query?: QueryParams) =>
    apiRequest<T>(path, { method: 'PATCH', body: body ?? {}, query }),
  delete: <T>(path: string, query?: QueryParams) => apiRequest<T>(path, { method: 'DELETE', query }),
};

/** Non-paged lists may come as a bare array or inside `{items}`; accept both. */
export function asItems<T>(value: T[] | { items: T[] } | null | undefined): T[] {
  if (!value) return [];
  return Array.isArray(value) ? value : value.items;
}
