/** @jsxRuntime automatic */
import { cn } from '../../../lib/cn.ts';
import { testIds } from '../../../lib/testids.ts';
import type { BatchGroup } from './deployment-model.ts';
import { targetStatusColor } from './deployment-status-badge.tsx';

const ORDER = ['applied', 'applying', 'failed', 'pending'];

/** A segmented bar: applied, applying, failed, pending, then everything else (excluded, superseded…). */
export function ProgressBar({ counts, className }: { counts: Record<string, number>; className?: string }) {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const keys = [
    ...ORDER.filter((k) => counts[k]),
    ...Object.keys(counts).filter((k) => !ORDER.includes(k) && counts[k]),
  ];
  return (
    <div
      className={cn('flex h-1.5 w-full overflow-hidden rounded-full bg-zinc-100 dark:bg-zinc-800', className)}
      role="img"
      aria-label={keys.map((k) => `${counts[k]} ${k}`).join(', ') || 'no targets'}
    >
      {total > 0 &&
        keys.map((key) => (
          <span
            key={key}
            className={cn('h-full', targetStatusColor(key))}
            style={{ width: `${((counts[key] ?? 0) / total) * 100}%` }}
            data-status={key}
          />
        ))}
    </div>
  );
}

const stateLabel: Record<BatchGroup['state'], string> = {
  done: 'Done',
  active: 'In progress',
  failed: 'Failed',
  waiting: 'Waiting',
  skipped: 'Not reached',
  rolled_back: 'Rolled back',
};
const stateStyle: Record<BatchGroup['state'], string> = {
  done: 'border-emerald-200 bg-emerald-50/50 dark:border-emerald-900 dark:bg-emerald-950/20',
  active: 'border-sky-300 bg-sky-50/60 ring-2 ring-sky-100 dark:border-sky-800 dark:bg-sky-950/30 dark:ring-sky-950',
  failed: 'border-red-300 bg-red-50/60 dark:border-red-900 dark:bg-red-950/30',
  waiting: 'border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900',
  skipped: 'border-zinc-200 bg-zinc-50 opacity-70 dark:border-zinc-800 dark:bg-zinc-900',
  rolled_back: 'border-accent-200 bg-accent-50/40 dark:border-accent-900 dark:bg-accent-950/20',
};
const stateText: Record<BatchGroup['state'], string> = {
  done: 'text-emerald-700 dark:text-emerald-400',
  active: 'text-sky-700 dark:text-sky-400',
  failed: 'text-red-700 dark:text-red-400',
  waiting: 'text-zinc-500',
  skipped: 'text-zinc-500',
  rolled_back: 'text-accent-700 dark:text-accent-300',
};

/** One card per batch, left to right in rollout order, each with its own progress and gateway dots. */
export function BatchProgress({ batches, soakSeconds }: { batches: BatchGroup[]; soakSeconds?: number }) {
  return (
    <ol
      className="grid gap-3"
      style={{ gridTemplateColumns: `repeat(${Math.min(Math.max(batches.length, 1), 4)}, minmax(0, 1fr))` }}
      data-testid={testIds.deploymentDetail.progress}
    >
      {batches.map((b) => {
        const applied = b.counts.applied ?? 0;
        return (
          <li
            key={b.batch}
            className={cn('rounded-xl border p-3', stateStyle[b.state])}
            data-testid={testIds.deploymentDetail.batch}
            data-batch={b.batch}
            data-state={b.state}
          >
            <div className="flex items-baseline justify-between gap-2">
              <span className="text-sm font-semibold">
                Batch {b.position}
                {b.percent !== null && (
                  <span className="ml-1.5 text-xs font-normal text-zinc-500">to {b.percent}%</span>
                )}
              </span>
              <span className={cn('text-xs font-medium', stateText[b.state])}>{stateLabel[b.state]}</span>
            </div>
            <p className="mt-1 text-xs text-zinc-600 tabular-nums dark:text-zinc-400">
              {applied}/{b.targets.length} applied
              {(b.counts.failed ?? 0) > 0 && (
                <span className="text-red-600 dark:text-red-400"> · {b.counts.failed} failed</span>
              )}
              {(b.counts.applying ?? 0) > 0 && (
                <span className="text-sky-600 dark:text-sky-400"> · {b.counts.applying} applying</span>
              )}
            </p>
            <ProgressBar counts={b.counts} className="mt-2" />
            <div className="mt-2.5 flex flex-wrap gap-1">
              {b.targets.slice(0, 60).map((t) => (
                <span
                  key={t.gateway_id}
                  title={`${t.gateway_name}: ${t.status}${t.error ? ` — ${t.error}` : ''}`}
                  className={cn('size-2.5 rounded-sm', targetStatusColor(t.status))}
                />
              ))}
              {b.targets.length > 60 && <span className="text-[10px] text-zinc-500">+{b.targets.length - 60}</span>}
            </div>
            {b.state === 'done' && soakSeconds !== undefined && soakSeconds > 0 && b.position < batches.length && (
              <p className="mt-2 text-[11px] text-zinc-500">Soaked {soakSeconds}s healthy before the next batch</p>
            )}
          </li>
        );
      })}
    </ol>
  );
}
