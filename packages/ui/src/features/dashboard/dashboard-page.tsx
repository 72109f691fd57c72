/** @jsxRuntime automatic */
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { ButtonLink } from '../../components/ui/button.tsx';
import { Card, StatCard } from '../../components/ui/card.tsx';
import { EmptyState } from '../../components/ui/empty-state.tsx';
import { ErrorState } from '../../components/ui/error-state.tsx';
import { IconAlert, IconRocket, IconServer } from '../../components/ui/icons.tsx';
import { PageHeader } from '../../components/ui/page-header.tsx';
import { QueryCard, type QueryCardQuery } from '../../components/ui/query-card.tsx';
import { PageLoading, Skeleton } from '../../components/ui/spinner.tsx';
import type { Deployment, FleetSummary, GatewaySummary, HealthStatus } from '../../lib/api/types.ts';
import { cn } from '../../lib/cn.ts';
import { percent, relativeTime } from '../../lib/format.ts';
import { testIds } from '../../lib/testids.ts';
import { useNow } from '../../lib/use-now.ts';
import { useCan, useOrgId, useSession } from '../auth/hooks/session.tsx';
import { gatewaysApi } from '../agents/api/gateways-api.ts';
import { gatewayKeys } from '../agents/api/gateway-keys.ts';
import { HealthBadge } from '../agents/components/gateway-badges.tsx';
import { StartGatewayGuide } from '../agents/components/start-gateway-guide.tsx';
import { ThroughputChart } from '../agents/components/throughput-card.tsx';
import { useFleetSummary } from '../agents/hooks/use-gateways.ts';
import { isActive } from '../deployments/components/deployment-model.ts';
import { ProgressBar } from '../deployments/components/deployment-progress.tsx';
import { DeploymentStatusBadge } from '../deployments/components/deployment-status-badge.tsx';
import { useRecentDeployments } from '../deployments/hooks/use-deployments.ts';
import { useFleetThroughput } from './hooks/use-fleet-throughput.ts';
import { FleetBytesCard } from '../inventory/components/fleet-bytes-card.tsx';

const healthOrder: HealthStatus[] = ['healthy', 'warning', 'unhealthy', 'offline'];
const healthColor: Record<HealthStatus, string> = {
  healthy: 'bg-emerald-500',
  warning: 'bg-amber-400',
  unhealthy: 'bg-red-500',
  offline: 'bg-zinc-300 dark:bg-zinc-600',
};

function versionHint(n: number): string {
  return n === 1 ? 'All on one version' : `${n} versions in the fleet`;
}

export function DashboardPage() {
  const summary = useFleetSummary();
  const { membership } = useSession();
  const canCreateToken = useCan('tokens:write');

  return (
    <div data-testid={testIds.dashboard.page}>
      <PageHeader title="Dashboard" description={membership ? `${membership.org_name} at a glance` : undefined} />
      {summary.isPending ? (
        <PageLoading />
      ) : summary.isError ? (
        <ErrorState error={summary.error} onRetry={() => void summary.refetch()} />
      ) : summary.data.total === 0 ? (
        <Card data-testid={testIds.dashboard.onboarding}>
          <EmptyState
            icon={<IconServer size={20} />}
            title="Welcome to Flowgate"
            description={
              'Connect your first OpenTelemetry gateway. Once it runs, ' +
              'this page shows fleet health, throughput and rollouts live.'
            }
          >
            <StartGatewayGuide canCreateToken={canCreateToken} />
          </EmptyState>
        </Card>
      ) : (
        <Overview summary={summary.data} />
      )}
    </div>
  );
}

function Overview({ summary }: { summary: FleetSummary }) {
  const deployments = useRecentDeployments(20);
  const throughput = useFleetThroughput();
  const healthy = summary.by_health.healthy ?? 0;
  const activeRollouts = (deployments.data ?? []).filter((d) => isActive(d.status)).length;

  return (
    <div className="space-y-5">
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        <StatCard
          label="Gateways"
          value={summary.total}
          hint={versionHint(Object.keys(summary.by_version).length)}
          data-testid={testIds.dashboard.statTotal}
        />
        <StatCard
          label="Connected now"
          value={summary.connected}
          hint={`${percent(summary.connected, summary.total)} of the fleet`}
          tone={summary.connected === summary.total ? 'success' : 'default'}
          data-testid={testIds.dashboard.statConnected}
        />
        <StatCard
          label="Healthy"
          value={healthy}
          hint={
            healthy === summary.total
              ? 'The whole fleet'
              : `${percent(healthy, summary.total)} · ${summary.total - healthy} ` +
                `${summary.total - healthy === 1 ? 'needs' : 'need'} a look`
          }
          tone={healthy === summary.total ? 'success' : 'default'}
          data-testid={testIds.dashboard.statHealthy}
        />
        <StatCard
          label="Active rollouts"
          value={deployments.isPending ? '…' : activeRollouts}
          hint="In progress or paused"
          data-testid={testIds.dashboard.statRollouts}
        />
      </div>

      <div className="grid gap-5 lg:grid-cols-3">
        <Card
          className="lg:col-span-2"
          title="Items received vs sent"
          description={
            throughput.sampled > 0
              ? `Summed over the ${throughput.sampled} most recently seen gateways, per minute`
              : 'Per minute'
          }
          data-testid={testIds.dashboard.throughputChart}
        >
          {throughput.isPending ? (
            <Skeleton className="h-[232px]" />
          ) : throughput.error && throughput.received.length === 0 ? (
            <ErrorState compact error={throughput.error} />
          ) : (
            <ThroughputChart received={throughput.received} sent={throughput.sent} height={200} />
          )}
        </Card>
        <HealthBreakdown summary={summary} />
      </div>

      <FleetBytesCard />

      <div className="grid gap-5 lg:grid-cols-2">
        <RecentDeployments deployments={deployments} />
        <Attention deployments={deployments.data ?? []} />
      </div>
    </div>
  );
}

function HealthBreakdown({ summary }: { summary: FleetSummary }) {
  const versions = Object.entries(summary.by_version).sort(([, a], [, b]) => b - a);
  return (
    <Card title="Fleet health" data-testid={testIds.dashboard.healthBreakdown}>
      <div
        className="flex h-2.5 overflow-hidden rounded-full bg-zinc-100 dark:bg-zinc-800"
        role="img"
        aria-label={healthOrder.map((h) => `${summary.by_health[h] ?? 0} ${h}`).join(', ')}
      >
        {healthOrder.map((h) => {
          const n = summary.by_health[h] ?? 0;
          return n > 0 ? (
            <span key={h} className={healthColor[h]} style={{ width: `${(n / summary.total) * 100}%` }} />
          ) : null;
        })}
      </div>
      <ul className="mt-4 space-y-1">
        {healthOrder.map((h) => (
          <li key={h}>
            <Link
              to={`/agents?health=${h}`}
              className={cn(
                'flex items-center justify-between rounded-md px-1.5 py-1 text-sm hover:bg-zinc-50',
                'dark:hover:bg-zinc-800/60',
              )}
              data-status={h}
            >
              <span className="flex items-center gap-2">
                <span className={cn('size-2 rounded-full', healthColor[h])} />
                <span className="capitalize">{h}</span>
              </span>
              <span className="font-medium tabular-nums">{summary.by_health[h] ?? 0}</span>
            </Link>
          </li>
        ))}
      </ul>
      {versions.length > 0 && (
        <div className="mt-4 border-t border-zinc-100 pt-3 dark:border-zinc-800">
          <p className="mb-1.5 text-xs font-medium text-zinc-500">Versions</p>
          <ul className="space-y-1 text-xs">
            {versions.slice(0, 4).map(([v, n]) => (
              <li key={v} className="flex justify-between">
                <span className="font-mono text-zinc-600 dark:text-zinc-400">{v || 'unknown'}</span>
                <span className="tabular-nums">{n}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </Card>
  );
}

function RecentDeployments({ deployments }: { deployments: QueryCardQuery<Deployment[]> }) {
  const now = useNow();
  return (
    <QueryCard
      query={deployments}
      title="Recent deployments"
      actions={
        <Link to="/deployments" className="text-xs font-medium text-accent-600 hover:underline dark:text-accent-400">
          All deployments
        </Link>
      }
      compactError
      empty={
        <EmptyState
          className="py-8"
          icon={<IconRocket size={18} />}
          title="No deployments yet"
          description="Deploy a template to roll configuration out safely."
          actions={
            <ButtonLink to="/templates" size="sm">
              Open templates
            </ButtonLink>
          }
        />
      }
      data-testid={testIds.dashboard.recentDeployments}
    >
      {(recent) => (
        <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {recent.slice(0, 5).map((d) => {
            const total = Object.values(d.counts).reduce((a, b) => a + b, 0);
            return (
              <li key={d.id}>
                <Link
                  to={`/deployments/${d.id}`}
                  className={cn(
                    'grid grid-cols-[1fr_auto] items-center gap-x-4 gap-y-1.5 px-4 py-2.5 hover:bg-zinc-50',
                    'dark:hover:bg-zinc-800/50',
                  )}
                >
                  <span className="truncate text-sm font-medium">{d.name || `${d.template_name} v${d.version}`}</span>
                  <DeploymentStatusBadge status={d.status} />
                  <ProgressBar counts={d.counts} />
                  <span className="text-xs text-zinc-500 tabular-nums">
                    {d.counts.applied ?? 0}/{total} · {relativeTime(d.created_at, now)}
                  </span>
                </Link>
              </li>
            );
          })}
        </ul>
      )}
    </QueryCard>
  );
}

function Attention({ deployments }: { deployments: Deployment[] }) {
  const orgId = useOrgId();
  const now = useNow();
  const unhealthyFilters = { health: 'unhealthy', limit: 5 };
  const offlineFilters = { health: 'offline', limit: 5 };
  const unhealthy = useQuery({
    queryKey: gatewayKeys.list(orgId, unhealthyFilters),
    queryFn: ({ signal }) => gatewaysApi.list(orgId, unhealthyFilters, undefined, signal),
  });
  const offline = useQuery({
    queryKey: gatewayKeys.list(orgId, offlineFilters),
    queryFn: ({ signal }) => gatewaysApi.list(orgId, offlineFilters, undefined, signal),
  });
  const stuck = deployments.filter((d) => d.status === 'paused' || d.status === 'failed');
  const gateways: GatewaySummary[] = [...(unhealthy.data?.items ?? []), ...(offline.data?.items ?? [])];
  const failedConfig = gateways.filter((g) => g.remote_config_status === 'FAILED');
  const empty = !unhealthy.isPending && !offline.isPending && gateways.length === 0 && stuck.length === 0;

  return (
    <Card title="Needs attention" padded={false} data-testid={testIds.dashboard.attention}>
      {unhealthy.isPending || offline.isPending ? (
        <PageLoading />
      ) : empty ? (
        <div className="flex items-center gap-3 px-4 py-6 text-sm text-zinc-600 dark:text-zinc-400">
          <span
            className={cn(
              'flex size-8 items-center justify-center rounded-full bg-emerald-50 text-emerald-600',
              'dark:bg-emerald-950 dark:text-emerald-400',
            )}
          >
            ✓
          </span>
          Nothing needs you right now: every gateway is healthy and no rollout is stuck.
        </div>
      ) : (
        <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {stuck.map((d) => (
            <li key={d.id} data-testid={testIds.dashboard.attentionItem} data-kind="deployment">
              <Link
                to={`/deployments/${d.id}`}
                className="flex items-center gap-3 px-4 py-2.5 hover:bg-zinc-50 dark:hover:bg-zinc-800/50"
              >
                <IconAlert size={15} className="shrink-0 text-amber-600" />
                <span className="min-w-0 flex-1">
                  <span className="block truncate text-sm font-medium">
                    {d.name || `${d.template_name} v${d.version}`}
                  </span>
                  {d.reason && <span className="block truncate text-xs text-zinc-500">{d.reason}</span>}
                </span>
                <DeploymentStatusBadge status={d.status} />
              </Link>
            </li>
          ))}
          {gateways.map((g) => (
            <li key={g.id} data-testid={testIds.dashboard.attentionItem} data-kind="gateway">
              <Link
                to={`/agents/${g.id}`}
                className="flex items-center gap-3 px-4 py-2.5 hover:bg-zinc-50 dark:hover:bg-zinc-800/50"
              >
                <IconServer size={15} className="shrink-0 text-zinc-400" />
                <span className="min-w-0 flex-1">
                  <span className="block truncate text-sm font-medium">{g.name}</span>
                  <span className="block truncate text-xs text-zinc-500">
                    last seen {relativeTime(g.last_seen, now)}
                    {failedConfig.includes(g) && <span className="text-red-600"> · config rejected</span>}
                  </span>
                </span>
                <HealthBadge status={g.health.status} score={g.health.score} />
              </Link>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
