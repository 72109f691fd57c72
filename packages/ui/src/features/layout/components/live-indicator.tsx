/** @jsxRuntime automatic */
import { cn } from '../../../lib/cn.ts';
import { testIds } from '../../../lib/testids.ts';
import type { LiveStatus } from '../../live/hooks/use-live-events.ts';

const labels: Record<LiveStatus, string> = {
  live: 'Live',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
};

export function LiveIndicator({ status }: { status: LiveStatus }) {
  return (
    <span
      className="inline-flex items-center gap-2 text-xs text-zinc-500 dark:text-zinc-400"
      data-testid={testIds.header.liveIndicator}
      data-status={status}
      title={
        status === 'live'
          ? 'Receiving live updates from the server'
          : 'Live updates paused; the page shows the last known state'
      }
    >
      <span className={cn('size-2 rounded-full', status === 'live' ? 'animate-live bg-emerald-500' : 'bg-amber-400')} />
      {labels[status]}
    </span>
  );
}
