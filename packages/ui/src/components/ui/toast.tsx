/** @jsxRuntime automatic */
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { ApiError, toApiError } from '../../lib/api/api-error.ts';
import { cn } from '../../lib/cn.ts';
import { testIds } from '../../lib/testids.ts';
import { IconAlert, IconCheck, IconInfo, IconX } from './icons.tsx';

type ToastTone = 'success' | 'error' | 'info';

interface ToastItem {
  id: number;
  tone: ToastTone;
  title: string;
  detail?: string;
  code?: string;
  requestId?: string | null;
}

export interface ToastApi {
  success: (title: string, detail?: string) => void;
  info: (title: string, detail?: string) => void;
  /** Show an API error with its message, code and request id. */
  error: (error: unknown, title?: string) => void;
}

const ToastContext = createContext<ToastApi | null>(null);

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<ToastItem[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);

  const push = useCallback(
    (toast: Omit<ToastItem, 'id'>) => {
      const id = nextId.current++;
      setToasts((list) => [...list.slice(-3), { ...toast, id }]);
      window.setTimeout(() => dismiss(id), toast.tone === 'error' ? 9000 : 4500);
    },
    [dismiss],
  );

  const api = useMemo<ToastApi>(
    () => ({
      success: (title, detail) => push({ tone: 'success', title, detail }),
      info: (title, detail) => push({ tone: 'info', title, detail }),
      error: (error, title) => {
        const apiError: ApiError = toApiError(error);
        push({
          tone: 'error',
          title: title ?? apiError.message,
          detail: title ? apiError.message : undefined,
          code: apiError.code,
          requestId: apiError.requestId,
        });
      },
    }),
    [push],
  );

  return (
    <ToastContext.Provider value={api}>
      {children}
      <div
        className="pointer-events-none fixed right-4 bottom-4 z-50 flex w-96 max-w-[calc(100vw-2rem)] flex-col gap-2"
        aria-live="polite"
        data-testid={testIds.toast.region}
      >
        {toasts.map((toast) => (
          <div
            key={toast.id}
            role={toast.tone === 'error' ? 'alert' : 'status'}
            data-testid={testIds.toast.item}
            data-tone={toast.tone}
            className={cn(
              'animate-toast-in pointer-events-auto flex gap-3 rounded-xl border',
              'border-zinc-200 bg-white p-3 shadow-lg dark:border-zinc-700 dark:bg-zinc-900',
            )}
          >
            <span
              className={cn(
                'mt-0.5 flex size-5 shrink-0 items-center justify-center rounded-full',
                toast.tone === 'success' && 'bg-emerald-100 text-emerald-700 dark:bg-emerald-950 dark:text-emerald-300',
                toast.tone === 'error' && 'bg-red-100 text-red-700 dark:bg-red-950 dark:text-red-300',
                toast.tone === 'info' && 'bg-accent-100 text-accent-700 dark:bg-accent-950 dark:text-accent-300',
              )}
            >
              {toast.tone === 'success' ? (
                <IconCheck size={12} />
              ) : toast.tone === 'error' ? (
                <IconAlert size={12} />
              ) : (
                <IconInfo size={12} />
              )}
            </span>
            <div className="min-w-0 flex-1">
              <p className="text-sm font-medium">{toast.title}</p>
              {toast.detail && <p className="mt-0.5 text-sm text-zinc-600 dark:text-zinc-400">{toast.detail}</p>}
              {toast.code && (
                <p className="mt-1 font-mono text-[11px] text-zinc-500">
                  {toast.code}
                  {toast.requestId && <span className="ml-2 text-zinc-400">req {toast.requestId}</span>}
                </p>
              )}
            </div>
            <button
              type="button"
              className="self-start rounded p-0.5 text-zinc-400 hover:text-zinc-700 dark:hover:text-zinc-200"
              onClick={() => dismiss(toast.id)}
              aria-label="Dismiss"
              data-testid={testIds.toast.dismiss}
            >
              <IconX size={14} />
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error('useToast must be used inside <ToastProvider>');
  return api;
}
