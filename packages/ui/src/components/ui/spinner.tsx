/** @jsxRuntime automatic */
import { cn } from '../../lib/cn.ts';
import { testIds } from '../../lib/testids.ts';

export function Spinner({ size = 'md', className }: { size?: 'sm' | 'md' | 'lg'; className?: string }) {
  const px = size === 'sm' ? 'size-3.5' : size === 'lg' ? 'size-8' : 'size-5';
  return (
    <svg className={cn('animate-spin text-current', px, className)} viewBox="0 0 24 24" fill="none" aria-hidden="true">
      <circle cx="12" cy="12" r="9" stroke="currentColor" strokeOpacity="0.2" strokeWidth="3" />
      <path d="M21 12a9 9 0 0 0-9-9" stroke="currentColor" strokeWidth="3" strokeLinecap="round" />
    </svg>
  );
}

export function PageLoading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div
      className="flex min-h-48 items-center justify-center gap-3 text-zinc-500"
      role="status"
      data-testid={testIds.app.loading}
    >
      <Spinner />
      <span>{label}</span>
    </div>
  );
}

/** A placeholder while data loads; carries the loading test id so tests can wait for it to go. */
export function Skeleton({ className }: { className?: string }) {
  return (
    <div
      className={cn('animate-pulse rounded-md bg-zinc-200/70 dark:bg-zinc-800', className)}
      aria-busy="true"
      data-testid={testIds.app.loading}
    />
  );
}
