/** @jsxRuntime automatic */
import type { ReactNode } from 'react';
import { cn } from '../../lib/cn.ts';
import { testIds } from '../../lib/testids.ts';

export interface EmptyStateProps {
  icon?: ReactNode;
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  children?: ReactNode;
  className?: string;
  'data-testid'?: string;
}

export function EmptyState({ icon, title, description, actions, children, className, ...rest }: EmptyStateProps) {
  return (
    <div
      className={cn('flex flex-col items-center px-6 py-12 text-center', className)}
      data-testid={rest['data-testid'] ?? testIds.app.emptyState}
    >
      {icon && (
        <div
          className={cn(
            'mb-4 flex size-11 items-center justify-center rounded-xl bg-accent-50 text-accent-600',
            'ring-1 ring-accent-100 dark:bg-accent-950 dark:text-accent-300 dark:ring-accent-900',
          )}
        >
          {icon}
        </div>
      )}
      <h3 className="text-base font-semibold text-zinc-900 dark:text-zinc-100">{title}</h3>
      {description && <p className="mt-1.5 max-w-md text-sm text-zinc-500 dark:text-zinc-400">{description}</p>}
      {children && <div className="mt-5 w-full max-w-2xl text-left">{children}</div>}
      {actions && <div className="mt-5 flex flex-wrap justify-center gap-2">{actions}</div>}
    </div>
  );
}
