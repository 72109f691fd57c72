/** @jsxRuntime automatic */
import { cn } from '../../../lib/cn.ts';

export function BrandMark({ inverted = false, compact = false }: { inverted?: boolean; compact?: boolean }) {
  return (
    <span className="inline-flex items-center gap-2">
      <svg viewBox="0 0 32 32" className="size-7" aria-hidden="true">
        <rect width="32" height="32" rx="8" className="fill-accent-600" />
        <path d="M8 11h16M8 16h11M8 21h6" stroke="white" strokeWidth="3" strokeLinecap="round" />
      </svg>
      {!compact && (
        <span
          className={cn(
            'text-[15px] font-semibold tracking-tight',
            inverted ? 'text-white' : 'text-zinc-900 dark:text-zinc-50',
          )}
        >
          Flowgate
        </span>
      )}
    </span>
  );
}
