/** @jsxRuntime automatic */
import { toApiError } from '../../lib/api/api-error.ts';
import { cn } from '../../lib/cn.ts';
import { testIds } from '../../lib/testids.ts';
import { Button } from './button.tsx';
import { IconAlert, IconRefresh } from './icons.tsx';

export interface ErrorStateProps {
  error: unknown;
  title?: string;
  onRetry?: () => void;
  compact?: boolean;
  className?: string;
}

/** Shows what the server said: its message, the stable error code and the request id. */
export function ErrorState({ error, title, onRetry, compact = false, className }: ErrorStateProps) {
  const apiError = toApiError(error);
  const heading = title ?? (apiError.status === 404 ? 'Not found' : 'Something went wrong');
  return (
    <div
      role="alert"
      data-testid={testIds.app.errorState}
      className={cn(
        'flex gap-3 rounded-xl border border-red-200 bg-red-50/70 text-red-900',
        'dark:border-red-900/70 dark:bg-red-950/30 dark:text-red-200',
        compact ? 'p-3' : 'p-5',
        className,
      )}
    >
      <IconAlert className="mt-0.5 shrink-0 text-red-600 dark:text-red-400" size={compact ? 16 : 18} />
      <div className="min-w-0 flex-1">
        <p className="font-medium">{heading}</p>
        <p className="mt-0.5 text-sm text-red-800 dark:text-red-300">{apiError.message}</p>
        <p className="mt-2 flex flex-wrap gap-x-3 font-mono text-[11px] text-red-700/80 dark:text-red-400/80">
          <span data-testid={testIds.app.errorCode}>{apiError.code}</span>
          {apiError.requestId && <span data-testid={testIds.app.errorRequestId}>request {apiError.requestId}</span>}
        </p>
      </div>
      {onRetry && (
        <Button
          size="sm"
          variant="secondary"
          onClick={onRetry}
          icon={<IconRefresh size={14} />}
          data-testid={testIds.app.errorRetry}
        >
          Retry
        </Button>
      )}
    </div>
  );
}

/** Inline form error (a failed mutation) — same facts, smaller. */
export function InlineError({ error }: { error: unknown }) {
  if (!error) return null;
  return <ErrorState error={error} compact title="The server refused this" />;
}
