/** @jsxRuntime automatic */
import type { ReactNode } from 'react';
import { cn } from '../../lib/cn.ts';

export type Tone = 'neutral' | 'accent' | 'success' | 'warning' | 'danger' | 'info' | 'muted';

const tones: Record<Tone, string> = {
  neutral: 'bg-zinc-100 text-zinc-700 ring-zinc-200 dark:bg-zinc-800 dark:text-zinc-300 dark:ring-zinc-700',
  accent: 'bg-accent-50 text-accent-700 ring-accent-200 dark:bg-accent-950 dark:text-accent-300 dark:ring-accent-800',
  success:
    'bg-emerald-50 text-emerald-700 ring-emerald-200 ' +
    'dark:bg-emerald-950/60 dark:text-emerald-300 dark:ring-emerald-800',
  warning: 'bg-amber-50 text-amber-800 ring-amber-200 dark:bg-amber-950/60 dark:text-amber-300 dark:ring-amber-800',
  danger: 'bg-red-50 text-red-700 ring-red-200 dark:bg-red-950/60 dark:text-red-300 dark:ring-red-800',
  info: 'bg-sky-50 text-sky-700 ring-sky-200 dark:bg-sky-950/60 dark:text-sky-300 dark:ring-sky-800',
  muted: 'bg-zinc-50 text-zinc-500 ring-zinc-200 dark:bg-zinc-900 dark:text-zinc-400 dark:ring-zinc-800',
};

const dots: Record<Tone, string> = {
  neutral: 'bg-zinc-400',
  accent: 'bg-accent-500',
  success: 'bg-emerald-500',
  warning: 'bg-amber-500',
  danger: 'bg-red-500',
  info: 'bg-sky-500',
  muted: 'bg-zinc-300 dark:bg-zinc-600',
};

export function dotClass(tone: Tone): string {
  return dots[tone];
}

export interface BadgeProps {
  tone?: Tone;
  dot?: boolean;
  pulse?: boolean;
  children: ReactNode;
  className?: string;
  title?: string;
  'data-testid'?: string;
  'data-status'?: string;
}

export function Badge({ tone = 'neutral', dot = false, pulse = false, children, className, ...rest }: BadgeProps) {
  return (
    <span
      className={cn(
        'inline-flex items-center gap-1.5 rounded-full px-2 py-0.5',
        'text-xs font-medium whitespace-nowrap ring-1 ring-inset',
        tones[tone],
        className,
      )}
      {...rest}
    >
      {dot && <span className={cn('size-1.5 rounded-full', dots[tone], pulse && 'animate-live')} aria-hidden="true" />}
      {children}
    </span>
  );
}

export function TagChip({
  children,
  className,
  ...rest
}: {
  children: ReactNode;
  className?: string;
  'data-testid'?: string;
}) {
  return (
    <span
      className={cn(
        'inline-flex items-center gap-1 rounded-md bg-zinc-100 px-1.5 py-0.5',
        'font-mono text-[11px] text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300',
        className,
      )}
      {...rest}
    >
      {children}
    </span>
  );
}
