/** @jsxRuntime automatic */
import type { ReactNode } from 'react';
import { cn } from '../../lib/cn.ts';

export interface CardProps {
  title?: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  children?: ReactNode;
  className?: string;
  bodyClassName?: string;
  padded?: boolean;
  'data-testid'?: string;
}

export function Card({
  title,
  description,
  actions,
  children,
  className,
  bodyClassName,
  padded = true,
  ...rest
}: CardProps) {
  return (
    <section
      className={cn(
        'rounded-xl border border-zinc-200 bg-white shadow-xs dark:border-zinc-800 dark:bg-zinc-900',
        className,
      )}
      {...rest}
    >
      {(title || actions) && (
        <header
          className={cn(
            'flex items-start justify-between gap-4 border-b border-zinc-100 px-4 py-3',
            'dark:border-zinc-800',
          )}
        >
          <div className="min-w-0">
            {title && <h2 className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">{title}</h2>}
            {description && <p className="mt-0.5 text-xs text-zinc-500 dark:text-zinc-400">{description}</p>}
          </div>
          {actions && <div className="flex shrink-0 items-center gap-2">{actions}</div>}
        </header>
      )}
      <div className={cn(padded && 'p-4', bodyClassName)}>{children}</div>
    </section>
  );
}

export function StatCard({
  label,
  value,
  hint,
  tone,
  ...rest
}: {
  label: string;
  value: ReactNode;
  hint?: ReactNode;
  tone?: 'default' | 'success' | 'warning' | 'danger';
  'data-testid'?: string;
}) {
  const valueTone =
    tone === 'success'
      ? 'text-emerald-600 dark:text-emerald-400'
      : tone === 'warning'
        ? 'text-amber-600 dark:text-amber-400'
        : tone === 'danger'
          ? 'text-red-600 dark:text-red-400'
          : 'text-zinc-900 dark:text-zinc-50';
  return (
    <div
      className="rounded-xl border border-zinc-200 bg-white px-4 py-3 shadow-xs dark:border-zinc-800 dark:bg-zinc-900"
      {...rest}
    >
      <div className="text-xs font-medium text-zinc-500 dark:text-zinc-400">{label}</div>
      <div className={cn('mt-1 text-2xl font-semibold tabular-nums tracking-tight', valueTone)}>{value}</div>
      {hint && <div className="mt-0.5 text-xs text-zinc-500 dark:text-zinc-400">{hint}</div>}
    </div>
  );
}
