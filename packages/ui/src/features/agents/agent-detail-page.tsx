/** @jsxRuntime automatic */
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { TagChip } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Card } from '../../components/ui/card.tsx';
import { ConfirmDialog } from '../../components/ui/confirm-dialog.tsx';
import { CopyButton } from '../../components/ui/copy-button.tsx';
import { Dialog } from '../../components/ui/dialog.tsx';
import { EmptyState } from '../../components/ui/empty-state.tsx';
import { ErrorState } from '../../components/ui/error-state.tsx';
import { Input } from '../../components/ui/form.tsx';
import { IconKey, IconPencil, IconRefresh, IconTrash } from '../../components/ui/icons.tsx';
import { QueryCard } from '../../components/ui/query-card.tsx';
import { PageLoading } from '../../components/ui/spinner.tsx';
import { Table, TBody, Td, Th, THead, Tr } from '../../components/ui/table.tsx';
import { Tabs } from '../../components/ui/tabs.tsx';
import { useToast } from '../../components/ui/toast.tsx';
import type { GatewayDetail, RotateTokenResponse } from '../../lib/api/types.ts';
import { cn } from '../../lib/cn.ts';
import { dateTime, relativeTime } from '../../lib/format.ts';
import { testIds } from '../../lib/testids.ts';
import { useNow } from '../../lib/use-now.ts';
import { useCan } from '../auth/hooks/session.tsx';
import { DeploymentStatusBadge } from '../deployments/components/deployment-status-badge.tsx';
import { ConfigViewer } from './components/config-viewer.tsx';
import { gatewayAuthSummary, gatewayTokenActions } from './components/gateway-token.ts';
import { GatewayStatusBadge, HealthBadge, RemoteConfigBadge, TransportLabel } from './components/gateway-badges.tsx';
import { isComponentHealthNode } from './components/health-tree-model.ts';
import { HealthTree } from './components/health-tree.tsx';
import { TagEditor } from './components/tag-editor.tsx';
import { pointsOf, ThroughputChart } from './components/throughput-card.tsx';
import { useGateway, useGatewayDeployments, useGatewayMetrics, useGatewayMutations } from './hooks/use-gateways.ts';
import { GatewayBytesCard } from '../inventory/components/gateway-bytes-card.tsx';
import { InventoryTab } from '../inventory/components/inventory-tab.tsx';

type Tab = 'overview' | 'inventory' | 'config' | 'deployments';
type Pending = 'restart' | 'revoke' | 'rotate' | 'delete' | null;

export function AgentDetailPage() {
  const { id = '' } = useParams();
  const gateway = useGateway(id);
  const [tab, setTab] = useState<Tab>('overview');

  if (gateway.isPending) return <PageLoading label="Loading gateway…" />;
  if (gateway.isError) {
    return (
      <div className="space-y-4">
        <BackLink />
        <ErrorState error={gateway.error} onRetry={() => void gateway.refetch()} />
      </div>
    );
  }
  const g = gateway.data;
  return (
    <div data-testid={testIds.agentDetail.page} data-id={g.id}>
      <Header gateway={g} />
      <Tabs
        className="mb-5"
        value={tab}
        onChange={setTab}
        tabs={[
          { id: 'overview', label: 'Overview', testId: testIds.agentDetail.tabOverview },
          { id: 'inventory', label: 'Inventory', testId: testIds.inventory.tab },
          { id: 'config', label: 'Configuration', testId: testIds.agentDetail.tabConfig },
          { id: 'deployments', label: 'Deployments', testId: testIds.agentDetail.tabDeployments },
        ]}
      />
      {tab === 'overview' && <Overview gateway={g} />}
      {tab === 'inventory' && <InventoryTab gatewayId={g.id} />}
      {tab === 'config' && (
        <Card>
          <ConfigViewer gatewayId={g.id} gatewayName={g.name} />
        </Card>
      )}
      {tab === 'deployments' && <DeploymentHistory gatewayId={g.id} />}
    </div>
  );
}

function BackLink() {
  return (
    <Link to="/agents" className="text-xs text-zinc-500 hover:text-zinc-900 dark:hover:text-zinc-100">
      ← Agents
    </Link>
  );
}

function Header({ gateway }: { gateway: GatewayDetail }) {
  const canWrite = useCan('gateways:write');
  const canAdmin = useCan('gateways:admin');
  const mutations = useGatewayMutations(gateway.id);
  const toast = useToast();
  const navigate = useNavigate();
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(gateway.name);
  const [pending, setPending] = useState<Pending>(null);
  const [rotated, setRotated] = useState<RotateTokenResponse | null>(null);
  const canRestart = gateway.capabilities.includes('AcceptsRestartCommand');
  const tokenActions = gatewayTokenActions(gateway.auth, gateway.name);

  const submitRename = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim() || name.trim() === gateway.name) {
      setRenaming(false);
      return;
    }
    try {
      await mutations.rename.mutateAsync(name.trim());
      setRenaming(false);
      toast.success('Gateway renamed');
    } catch (error) {
      toast.error(error, 'Could not rename the gateway');
    }
  };

  return (
    <div className="mb-5">
      <BackLink />
      <div className="mt-1 flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          {renaming ? (
            <form onSubmit={submitRename} className="flex items-center gap-2">
              <Input
                autoFocus
                value={name}
                onChange={(e) => setName(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Escape') {
                    setName(gateway.name);
                    setRenaming(false);
                  }
                }}
                aria-label="Gateway name"
                className="h-9 w-72 text-base font-semibold"
                data-testid={testIds.agentDetail.renameInput}
              />
              <Button
                type="submit"
                variant="primary"
                size="sm"
                loading={mutations.rename.isPending}
                data-testid={testIds.agentDetail.renameSave}
              >
                Save
              </Button>
              <Button size="sm" variant="ghost" onClick={() => setRenaming(false)}>
                Cancel
              </Button>
            </form>
          ) : (
            <div className="flex items-center gap-2">
              <h1 className="truncate text-xl font-semibold tracking-tight" data-testid={testIds.agentDetail.name}>
                {gateway.name}
              </h1>
              {canWrite && (
                <button
                  type="button"
                  className="rounded p-1 text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700 dark:hover:bg-zinc-800"
                  onClick={() => {
                    setName(gateway.name);
                    setRenaming(true);
                  }}
                  aria-label="Rename gateway"
                  data-testid={testIds.agentDetail.renameButton}
                >
                  <IconPencil size={15} />
                </button>
              )}
            </div>
          )}
          <div className="mt-2 flex flex-wrap items-center gap-2 text-xs text-zinc-500 dark:text-zinc-400">
            <GatewayStatusBadge gateway={gateway} />
            <HealthBadge status={gateway.health.status} score={gateway.health.score} />
            <span className="font-mono" title="OpAMP instance_uid">
              {gateway.instance_id}
            </span>
            {gateway.hostname && <span>· {gateway.hostname}</span>}
            {gateway.ip_address && <span>· {gateway.ip_address}</span>}
          </div>
        </div>
        {canWrite && (
          <div className="flex flex-wrap items-center gap-2">
            <Button
              icon={<IconRefresh size={15} />}
              onClick={() => setPending('restart')}
              disabled={!canRestart || !gateway.connected}
              title={
                !canRestart
                  ? 'This agent does not accept restart commands (AcceptsRestartCommand)'
                  : !gateway.connected
                    ? 'The gateway is not connected'
                    : undefined
              }
              data-testid={testIds.agentDetail.restart}
            >
              Restart
            </Button>
            {canAdmin && (
              <>
                <Button
                  icon={<IconKey size={15} />}
                  onClick={() => setPending('rotate')}
                  data-testid={testIds.agentDetail.rotateToken}
                >
                  Rotate token
                </Button>
                <Button
                  variant="danger-ghost"
                  onClick={() => setPending('revoke')}
                  disabled={tokenActions.revoke === null}
                  title={tokenActions.revokeDisabledReason ?? undefined}
                  data-testid={testIds.agentDetail.revokeToken}
                >
                  Revoke token
                </Button>
                <Button
                  variant="danger-ghost"
                  icon={<IconTrash size={15} />}
                  onClick={() => setPending('delete')}
                  data-testid={testIds.agentDetail.delete}
                >
                  Delete
                </Button>
              </>
            )}
          </div>
        )}
      </div>

      <ConfirmDialog
        open={pending === 'restart'}
        title="Restart this gateway?"
        body={<p>The collector on {gateway.name} restarts. It stops receiving telemetry for a few seconds.</p>}
        confirmLabel="Restart"
        tone="primary"
        onClose={() => setPending(null)}
        onConfirm={async () => {
          await mutations.restart.mutateAsync();
          toast.success('Restart requested', `${gateway.name} will restart now.`);
        }}
      />
      <ConfirmDialog
        open={pending === 'rotate'}
        title={gateway.auth.method === 'gateway_token' ? 'Rotate the OpAMP token?' : 'Issue an OpAMP token of its own?'}
        body={<p>{tokenActions.rotate}</p>}
        confirmLabel="Rotate token"
        tone="primary"
        onClose={() => setPending(null)}
        onConfirm={async () => {
          const response = await mutations.rotateToken.mutateAsync();
          setRotated(response);
        }}
      />
      <ConfirmDialog
        open={pending === 'revoke' && tokenActions.revoke !== null}
        title="Revoke the OpAMP token?"
        body={<p>{tokenActions.revoke}</p>}
        confirmLabel="Revoke token"
        onClose={() => setPending(null)}
        onConfirm={async () => {
          await mutations.revokeToken.mutateAsync();
          toast.success('Token revoked', tokenActions.revoked ?? undefined);
        }}
      />
      <ConfirmDialog
        open={pending === 'delete'}
        title="Delete this gateway?"
        body={
          <p>
            {gateway.name} is removed from Flowgate with its history. If it is still running and enrolled zero-touch, it
            enrols again as a new gateway while its registration token can still enrol (not revoked, expired or used
            up).
          </p>
        }
        confirmLabel="Delete gateway"
        onClose={() => setPending(null)}
        onConfirm={async () => {
          await mutations.remove.mutateAsync();
          toast.success('Gateway deleted');
          navigate('/agents');
        }}
      />
      <Dialog
        open={rotated !== null}
        onClose={() => setRotated(null)}
        title="New OpAMP token"
        description="Copy it now: Flowgate does not show it again."
        footer={
          <Button variant="primary" onClick={() => setRotated(null)}>
            Done
          </Button>
        }
      >
        {rotated && (
          <div className="space-y-2">
            <div className="flex items-center gap-2 rounded-lg bg-zinc-100 p-2 dark:bg-zinc-800">
              <code
                className="min-w-0 flex-1 font-mono text-xs break-all"
                data-testid={testIds.agentDetail.rotatedToken}
              >
                {rotated.opamp_token}
              </code>
              <CopyButton text={rotated.opamp_token} />
            </div>
            <p className="text-xs text-zinc-500">Expires {dateTime(rotated.expires_at)}</p>
          </div>
        )}
      </Dialog>
    </div>
  );
}

function Overview({ gateway }: { gateway: GatewayDetail }) {
  const canWrite = useCan('gateways:write');
  const mutations = useGatewayMutations(gateway.id);
  const metrics = useGatewayMetrics(gateway.id);
  const toast = useToast();
  const now = useNow();
  const health = isComponentHealthNode(gateway.component_health) ? gateway.component_health : null;
  const series = metrics.data?.series ?? [];

  return (
    <div className="grid gap-5 lg:grid-cols-3">
      <div className="space-y-5 lg:col-span-2">
        <Card title="Throughput" description="Items received by the gateway and sent on to backends">
          {metrics.isError ? (
            <ErrorState compact error={metrics.error} onRetry={() => void metrics.refetch()} />
          ) : (
            <ThroughputChart
              received={pointsOf(series, 'received')}
              sent={pointsOf(series, 'sent')}
              refused={pointsOf(series, 'refused')}
              testId={testIds.agentDetail.throughputChart}
            />
          )}
        </Card>
        <GatewayBytesCard gatewayId={gateway.id} />
        <Card title="Component health" description="As reported by the agent (OpAMP ComponentHealth)">
          {health ? (
            <HealthTree key={gateway.id} root={health} now={now} />
          ) : (
            <EmptyState
              className="py-6"
              title="No component health reported"
              description={
                'The agent reports the health of each pipeline and ' +
                'component when it has the ReportsHealth capability.'
              }
            />
          )}
        </Card>
      </div>
      <div className="space-y-5">
        <Card title="Remote configuration">
          <div
            className="space-y-2 text-sm"
            data-testid={testIds.agentDetail.remoteConfigStatus}
            data-status={gateway.remote_config.status}
          >
            <div className="flex items-center justify-between">
              <RemoteConfigBadge status={gateway.remote_config.status} />
              <span className="text-xs text-zinc-500">{relativeTime(gateway.remote_config.updated_at, now)}</span>
            </div>
            {gateway.remote_config.hash && (
              <p className="truncate font-mono text-[11px] text-zinc-500" title={gateway.remote_config.hash}>
                hash {gateway.remote_config.hash.slice(0, 16)}
              </p>
            )}
            {gateway.remote_config.error_message && (
              <p
                className="rounded-md bg-red-50 p-2 font-mono text-xs text-red-800 dark:bg-red-950/40 dark:text-red-300"
                data-testid={testIds.agentDetail.remoteConfigError}
              >
                {gateway.remote_config.error_message}
              </p>
            )}
            {!gateway.accepts_remote_config && (
              <p className="text-xs text-amber-700 dark:text-amber-400">
                This agent does not accept remote configuration; deployments skip it.
              </p>
            )}
          </div>
        </Card>
        <Card title="Agent">
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
            <Row label="Version">
              <span className="font-mono text-xs" data-testid={testIds.agentDetail.version}>
                {gateway.version ?? '—'}
              </span>
            </Row>
            <Row label="Mode">{gateway.mode}</Row>
            <Row label="Transport">
              <TransportLabel transport={gateway.transport} />
            </Row>
            <Row label="Connected">
              {gateway.connection ? (
                <span title={dateTime(gateway.connection.since)}>
                  since {relativeTime(gateway.connection.since, now).replace(' ago', '')} ·{' '}
                  <span className="font-mono text-xs">{gateway.connection.remote_address}</span>
                </span>
              ) : (
                <span className="text-zinc-500">no · last seen {relativeTime(gateway.last_seen, now)}</span>
              )}
            </Row>
            <Row label="Authentication">
              <GatewayAuth gateway={gateway} now={now} />
            </Row>
            <Row label="Enrolled">{dateTime(gateway.created_at)}</Row>
          </dl>
          <div className="mt-4">
            <p className="mb-1.5 text-xs font-medium text-zinc-500">Capabilities</p>
            <div className="flex flex-wrap gap-1" data-testid={testIds.agentDetail.capabilities}>
              {gateway.capabilities.length === 0 && <span className="text-xs text-zinc-400">None reported</span>}
              {gateway.capabilities.map((c) => (
                <TagChip key={c} className="font-sans">
                  {c}
                </TagChip>
              ))}
              {(gateway.custom_capabilities ?? []).map((c) => (
                <TagChip
                  key={c}
                  className="bg-accent-50 font-sans text-accent-700 dark:bg-accent-950 dark:text-accent-300"
                >
                  {c}
                </TagChip>
              ))}
            </div>
          </div>
          <Attributes title="Identifying attributes" values={gateway.description.identifying} />
          <Attributes title="Non-identifying attributes" values={gateway.description.non_identifying} />
        </Card>
        <Card title="Tags">
          <TagEditor
            tags={gateway.tags}
            editable={canWrite}
            onSave={async (tags) => {
              await mutations.setTags.mutateAsync(tags);
              toast.success('Tags saved');
            }}
          />
        </Card>
      </div>
    </div>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="min-w-0 truncate text-zinc-800 dark:text-zinc-200">{children}</dd>
    </>
  );
}

function GatewayAuth({ gateway, now }: { gateway: GatewayDetail; now: number }) {
  const summary = gatewayAuthSummary(gateway, { now });
  const token = gateway.auth.registration_token;
  return (
    <span className="whitespace-normal" data-testid={testIds.agentDetail.auth} data-method={summary.method}>
      {summary.method === 'gateway_token' ? (
        <span data-testid={testIds.agentDetail.tokenExpires} data-state={summary.expired ? 'expired' : 'token'}>
          {summary.label}
        </span>
      ) : summary.method === 'registration_token' && token ? (
        <span data-testid={testIds.agentDetail.authRegistrationToken} data-id={token.id} data-state={token.state}>
          {summary.label}
        </span>
      ) : (
        <span>{summary.label}</span>
      )}
      {summary.hint && <span className="block text-xs text-zinc-500 dark:text-zinc-400">{summary.hint}</span>}
      {summary.linkToTokens && (
        <Link
          to="/tokens"
          className="block text-xs font-medium text-accent-600 hover:underline dark:text-accent-400"
          data-testid={testIds.agentDetail.authTokensLink}
        >
          Registration tokens →
        </Link>
      )}
    </span>
  );
}

function Attributes({ title, values }: { title: string; values: Record<string, string> }) {
  const entries = Object.entries(values);
  if (entries.length === 0) return null;
  return (
    <details className="mt-4 group">
      <summary
        className={cn(
          'cursor-pointer text-xs font-medium text-zinc-500 hover:text-zinc-800',
          'dark:hover:text-zinc-200',
        )}
      >
        {title} ({entries.length})
      </summary>
      <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 font-mono text-[11px]">
        {entries.map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="text-zinc-500">{k}</dt>
            <dd className="truncate text-zinc-800 dark:text-zinc-200" title={v}>
              {v}
            </dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

function DeploymentHistory({ gatewayId }: { gatewayId: string }) {
  const history = useGatewayDeployments(gatewayId);
  return (
    <QueryCard
      query={history}
      retry
      empty={
        <EmptyState
          title="Nothing deployed to this gateway yet"
          description="Deployments that target this gateway — by id or by tag — are listed here with their outcome."
        />
      }
      data-testid={testIds.agentDetail.deploymentHistory}
    >
      {(entries) => (
        <Table>
          <THead>
            <tr>
              <Th>Template</Th>
              <Th>Version</Th>
              <Th>Outcome</Th>
              <Th>By</Th>
              <Th>When</Th>
            </tr>
          </THead>
          <TBody>
            {entries.map((entry) => (
              <Tr
                key={`${entry.deployment_id}-${entry.updated_at}`}
                data-testid={testIds.agentDetail.deploymentHistoryRow}
                data-id={entry.deployment_id}
                data-status={entry.status}
              >
                <Td>
                  <Link
                    to={`/deployments/${entry.deployment_id}`}
                    className="font-medium hover:text-accent-600 dark:hover:text-accent-400"
                  >
                    {entry.template_name}
                  </Link>
                  {entry.error && (
                    <p
                      className="mt-0.5 max-w-md truncate font-mono text-xs text-red-600 dark:text-red-400"
                      title={entry.error}
                    >
                      {entry.error}
                    </p>
                  )}
                </Td>
                <Td className="tabular-nums">v{entry.version}</Td>
                <Td>
                  <DeploymentStatusBadge status={entry.status} />
                </Td>
                <Td className="text-zinc-600 dark:text-zinc-400">{entry.by ?? '—'}</Td>
                <Td className="text-xs text-zinc-500" title={dateTime(entry.updated_at)}>
                  {dateTime(entry.created_at)}
                </Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      )}
    </QueryCard>
  );
}
