/** @jsxRuntime automatic */
import type { ReactNode } from 'react';
import { testIds } from '../../lib/testids.ts';

export function PageHeader({
  title,
  description,
  actions,
  breadcrumb,
}: {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  breadcrumb?: ReactNode;
}) {
  return (
    <div className="mb-5 flex flex-wrap items-end justify-between gap-4">
      <div className="min-w-0">
        {breadcrumb && <div className="mb-1 text-xs text-zinc-500 dark:text-zinc-400">{breadcrumb}</div>}
        <h1
          className="truncate text-xl font-semibold tracking-tight text-zinc-900 dark:text-zinc-50"
          data-testid={testIds.app.pageTitle}
        >
          {title}
        </h1>
        {description && <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">{description}</p>}
      </div>
      {actions && <div className="flex flex-wrap items-center gap-2">{actions}</div>}
    </div>
  );
}
