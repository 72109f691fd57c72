/** @jsxRuntime automatic */
import { ErrorState } from '../../../components/ui/error-state.tsx';
import type { QueryCardQuery } from '../../../components/ui/query-card.tsx';
import { PageLoading } from '../../../components/ui/spinner.tsx';
import type { GatewaySummary } from '../../../lib/api/types.ts';
import { cn } from '../../../lib/cn.ts';
import { testIds } from '../../../lib/testids.ts';
import { HealthBadge } from '../../agents/components/gateway-badges.tsx';

export interface GatewayOptionsProps {
  query: QueryCardQuery<{ items: GatewaySummary[] }>;
  /** A name filter is applied: an empty answer means nothing matches it, not that there are no gateways. */
  filtered: boolean;
  selected: ReadonlySet<string>;
  onToggle: (gateway: GatewaySummary) => void;
}

/** The gateway picker's list: loading, the API error with Retry, nothing found, or a checkbox per gateway. */
export function GatewayOptions({ query, filtered, selected, onToggle }: GatewayOptionsProps) {
  if (query.status === 'pending') return <PageLoading label="Loading gateways…" />;
  if (query.status === 'error') {
    return (
      <div className="p-3">
        <ErrorState
          compact
          error={query.error}
          title="Could not load the gateways"
          onRetry={() => void query.refetch()}
        />
      </div>
    );
  }
  const gateways = query.data.items;
  if (gateways.length === 0) {
    return (
      <p className="p-4 text-center text-sm text-zinc-500">
        {filtered ? 'No gateway matches this name.' : 'No gateway has enrolled in this organization yet.'}
      </p>
    );
  }
  return (
    <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
      {gateways.map((g) => (
        <li key={g.id}>
          <label
            className={cn(
              'flex cursor-pointer items-center gap-3 px-3 py-2 hover:bg-zinc-50 dark:hover:bg-zinc-800/50',
              !g.accepts_remote_config && 'cursor-not-allowed opacity-60',
            )}
            data-testid={testIds.deploymentCreate.gatewayOption}
            data-id={g.id}
            data-name={g.name}
          >
            <input
              type="checkbox"
              className="size-4 accent-accent-600"
              checked={selected.has(g.id)}
              disabled={!g.accepts_remote_config}
              onChange={() => onToggle(g)}
            />
            <span className="min-w-0 flex-1">
              <span className="block truncate text-sm font-medium">{g.name}</span>
              {!g.accepts_remote_config && (
                <span className="block text-[11px] text-amber-700 dark:text-amber-400">
                  Does not accept remote config
                </span>
              )}
            </span>
            <HealthBadge status={g.health.status} />
          </label>
        </li>
      ))}
    </ul>
  );
}
