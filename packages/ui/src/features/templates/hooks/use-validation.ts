import { useEffect, useRef, useState } from 'react';
import type { ValidationResult } from '../../../lib/api/types.ts';
import { toApiError, type ApiError } from '../../../lib/api/api-error.ts';
import { useOrgId } from '../../auth/hooks/session.tsx';
import { templatesApi } from '../api/templates-api.ts';

export type ValidationState =
  | { state: 'idle' }
  | { state: 'checking'; last: ValidationResult | null }
  | { state: 'done'; result: ValidationResult; checkedText: string }
  | { state: 'error'; error: ApiError; last: ValidationResult | null };

export const VALIDATION_DEBOUNCE_MS = 400;

/**
 * Validates YAML as the user types: waits 400 ms after the last keystroke, cancels a request that a
 * newer text made obsolete, and keeps the previous result visible while the next one runs.
 */
export function useValidation(text: string | null): ValidationState {
  const orgId = useOrgId();
  const [state, setState] = useState<ValidationState>({ state: 'idle' });
  const lastResult = useRef<ValidationResult | null>(null);

  useEffect(() => {
    if (text === null) return;
    const controller = new AbortController();
    const timer = window.setTimeout(async () => {
      setState({ state: 'checking', last: lastResult.current });
      try {
        const result = await templatesApi.validate(orgId, text, controller.signal);
        lastResult.current = result;
        setState({ state: 'done', result, checkedText: text });
      } catch (error) {
        if (controller.signal.aborted) return;
        const apiError = toApiError(error);
        const fromError = resultFromError(apiError);
        if (fromError) {
          lastResult.current = fromError;
          setState({ state: 'done', result: fromError, checkedText: text });
        } else {
          setState({ state: 'error', error: apiError, last: lastResult.current });
        }
      }
    }, VALIDATION_DEBOUNCE_MS);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [text, orgId]);

  return state;
}

export function currentResult(state: ValidationState): ValidationResult | null {
  if (state.state === 'done') return state.result;
  if (state.state === 'checking' || state.state === 'error') return state.last;
  return null;
}

/**
 * A server may answer unparsable YAML with 400 INVALID_YAML / INVALID_CONFIG and the issues in
 * `details` instead of a 200 `{valid: false}`; show those as problems all the same.
 */
export function resultFromError(error: ApiError): ValidationResult | null {
  if (error.code !== 'INVALID_YAML' && error.code !== 'INVALID_CONFIG') return null;
  const details = error.details;
  const list: unknown[] = Array.isArray(details)
    ? details
    : typeof details === 'object' && details !== null && Array.isArray((details as { errors?: unknown }).errors)
      ? (details as { errors: unknown[] }).errors
      : [];
  const errors = list.flatMap((entry) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const e = entry as Record<string, unknown>;
    return [
      {
        code: typeof e.code === 'string' ? e.code : error.code,
        message: typeof e.message === 'string' ? e.message : error.message,
        path: typeof e.path === 'string' ? e.path : null,
        line: typeof e.line === 'number' ? e.line : null,
        column: typeof e.column === 'number' ? e.column : null,
      },
    ];
  });
  if (errors.length === 0)
    errors.push({ code: error.code, message: error.message, path: null, line: null, column: null });
  return { valid: false, errors, warnings: [], collector_checked: false };
}
