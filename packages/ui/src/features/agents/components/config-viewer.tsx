/** @jsxRuntime automatic */
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiError } from '../../../lib/api/api-error.ts';
import { Badge } from '../../../components/ui/badge.tsx';
import { CodeBlock } from '../../../components/ui/code-block.tsx';
import { EmptyState } from '../../../components/ui/empty-state.tsx';
import { ErrorState } from '../../../components/ui/error-state.tsx';
import { Segmented } from '../../../components/ui/form.tsx';
import { IconTemplate } from '../../../components/ui/icons.tsx';
import { PageLoading } from '../../../components/ui/spinner.tsx';
import { cn } from '../../../lib/cn.ts';
import { dateTime } from '../../../lib/format.ts';
import { testIds } from '../../../lib/testids.ts';
import { useGatewayConfig } from '../hooks/use-gateways.ts';
import { RemoteConfigBadge } from './gateway-badges.tsx';

const sourceLabel = {
  deployment: 'From a deployment',
  effective: 'Reported by the agent',
  base: 'Organization base config',
} as const;

/** The YAML a gateway runs (effective, as reported) and the YAML Flowgate assigned to it. */
export function ConfigViewer({ gatewayId, gatewayName }: { gatewayId: string; gatewayName: string }) {
  const config = useGatewayConfig(gatewayId);
  const [view, setView] = useState<'effective' | 'assigned'>('effective');

  if (config.isPending) return <PageLoading label="Loading configuration…" />;
  if (config.isError) return <ErrorState error={config.error} onRetry={() => void config.refetch()} />;
  const data = config.data;
  const yaml = view === 'effective' ? data.effective_config_yaml : data.config_yaml;
  const safeName = gatewayName.replace(/[^A-Za-z0-9._-]+/g, '-');

  return (
    <div className="space-y-4" data-testid={testIds.agentDetail.configViewer}>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <Segmented
          label="Configuration view"
          value={view}
          onChange={setView}
          options={[
            { value: 'effective', label: 'Effective (running)' },
            { value: 'assigned', label: 'Assigned by Flowgate' },
          ]}
        />
        <div className="flex flex-wrap items-center gap-3 text-xs text-zinc-500 dark:text-zinc-400">
          <Badge tone="neutral" data-testid={testIds.agentDetail.configSource} data-status={data.source}>
            {sourceLabel[data.source]}
          </Badge>
          {data.template_id && (
            <Link
              className={cn(
                'inline-flex items-center gap-1 font-medium text-accent-600 hover:underline',
                'dark:text-accent-400',
              )}
              to={`/templates/${data.template_id}`}
            >
              <IconTemplate size={13} /> Template{data.config_version !== null ? ` v${data.config_version}` : ''}
            </Link>
          )}
          {data.deployment_id && (
            <Link
              className="font-medium text-accent-600 hover:underline dark:text-accent-400"
              to={`/deployments/${data.deployment_id}`}
            >
              Deployment
            </Link>
          )}
          <span>Remote config</span>
          <RemoteConfigBadge status={data.remote_config.status} />
          <span>Updated {dateTime(data.last_updated)}</span>
        </div>
      </div>
      {data.remote_config.status === 'FAILED' && data.remote_config.error_message && (
        <ErrorState
          compact
          title="The gateway rejected the last configuration"
          error={new ApiError({ code: 'REMOTE_CONFIG_FAILED', message: data.remote_config.error_message, status: 0 })}
        />
      )}
      {yaml ? (
        <CodeBlock code={yaml} filename={`${safeName}-${view}.yaml`} lineNumbers maxHeight="calc(100vh - 22rem)" />
      ) : (
        <EmptyState
          title={
            view === 'effective'
              ? 'The agent has not reported its effective configuration'
              : 'Flowgate has not assigned a configuration yet'
          }
          description={
            view === 'effective'
              ? 'Agents report it when they have the ReportsEffectiveConfig ' +
                'capability. Supervisor-managed gateways do this by default.'
              : 'Deploy a template to this gateway to give it a managed configuration.'
          }
        />
      )}
    </div>
  );
}
