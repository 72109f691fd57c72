import type { ErrorBody } from '@flowgate/config-model';

/** An error answered by the API (or the network), parsed from the `{"error": {...}}` envelope. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly requestId: string | null;
  readonly details: unknown;

  constructor(init: { code: string; message: string; status: number; requestId?: string | null; details?: unknown }) {
    super(init.message);
    this.name = 'ApiError';
    this.code = init.code;
    this.status = init.status;
    this.requestId = init.requestId ?? null;
    this.details = init.details;
  }
}

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string';
}

/** Build an ApiError from a response status and its (maybe non-JSON) body text. */
export function apiErrorFromResponse(status: number, bodyText: string, headerRequestId: string | null): ApiError {
  let parsed: unknown;
  try {
    parsed = bodyText ? JSON.parse(bodyText) : null;
  } catch {
    parsed = null;
  }
  if (isErrorBody(parsed)) {
    return new ApiError({
      code: parsed.error.code,
      message: parsed.error.message,
      status,
      requestId: parsed.error.request_id ?? headerRequestId,
      details: parsed.error.details,
    });
  }
  const fallback =
    status === 502 || status === 503 || status === 504
      ? 'The Flowgate server is not reachable'
      : `The server answered ${status} without an error body`;
  return new ApiError({ code: `HTTP_${status}`, message: fallback, status, requestId: headerRequestId });
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof Error)
    return new ApiError({ code: 'NETWORK_ERROR', message: error.message || 'Network error', status: 0 });
  return new ApiError({ code: 'UNKNOWN', message: String(error), status: 0 });
}

export interface FieldProblem {
  path: string;
  message: string;
}

/**
 * Validation details come either as a list of `{path|instancePath, message}` or as
 * validation issues `{code, message, path, line, column}`. Normalise to field paths without
 * the leading slash so forms can show them next to the matching input.
 */
export function fieldProblems(error: unknown): FieldProblem[] {
  if (!(error instanceof ApiError)) return [];
  const details = error.details;
  const list: unknown[] = Array.isArray(details)
    ? details
    : typeof details === 'object' && details !== null && Array.isArray((details as { errors?: unknown }).errors)
      ? (details as { errors: unknown[] }).errors
      : [];
  const problems: FieldProblem[] = [];
  for (const entry of list) {
    if (typeof entry !== 'object' || entry === null) continue;
    const record = entry as Record<string, unknown>;
    const rawPath =
      typeof record.path === 'string'
        ? record.path
        : typeof record.instancePath === 'string'
          ? record.instancePath
          : '';
    const message = typeof record.message === 'string' ? record.message : '';
    if (!message) continue;
    problems.push({ path: rawPath.replace(/^\/+/, '').replace(/\//g, '.'), message });
  }
  return problems;
}

export function problemFor(error: unknown, field: string): string | undefined {
  return fieldProblems(error).find((p) => p.path === field || p.path.startsWith(`${field}.`))?.message;
}
