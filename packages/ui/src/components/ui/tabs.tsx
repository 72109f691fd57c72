/** @jsxRuntime automatic */
import type { ReactNode } from 'react';
import { cn } from '../../lib/cn.ts';

export interface TabItem<T extends string> {
  id: T;
  label: ReactNode;
  testId?: string;
  count?: number;
}

/** Underlined tabs. Arrow keys move between them (roving tabindex). */
export function Tabs<T extends string>({
  tabs,
  value,
  onChange,
  className,
}: {
  tabs: TabItem<T>[];
  value: T;
  onChange: (id: T) => void;
  className?: string;
}) {
  return (
    <div role="tablist" className={cn('flex gap-5 border-b border-zinc-200 dark:border-zinc-800', className)}>
      {tabs.map((tab, index) => {
        const selected = tab.id === value;
        return (
          <button
            key={tab.id}
            type="button"
            role="tab"
            aria-selected={selected}
            tabIndex={selected ? 0 : -1}
            data-testid={tab.testId}
            onClick={() => onChange(tab.id)}
            onKeyDown={(event) => {
              if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
              const step = event.key === 'ArrowRight' ? 1 : -1;
              const next = tabs[(index + step + tabs.length) % tabs.length];
              if (next) {
                onChange(next.id);
                const sibling = event.currentTarget.parentElement?.children[(index + step + tabs.length) % tabs.length];
                if (sibling instanceof HTMLElement) sibling.focus();
              }
            }}
            className={cn(
              '-mb-px flex items-center gap-2 border-b-2 px-0.5 pb-2.5 text-sm font-medium transition-colors',
              selected
                ? 'border-accent-600 text-zinc-900 dark:border-accent-400 dark:text-zinc-50'
                : 'border-transparent text-zinc-500 hover:border-zinc-300 ' +
                    'hover:text-zinc-800 dark:text-zinc-400 dark:hover:text-zinc-200',
            )}
          >
            {tab.label}
            {tab.count !== undefined && (
              <span
                className={cn(
                  'rounded-full bg-zinc-100 px-1.5 text-[11px] tabular-nums text-zinc-600',
                  'dark:bg-zinc-800 dark:text-zinc-400',
                )}
              >
                {tab.count}
              </span>
            )}
          </button>
        );
      })}
    </div>
  );
}
