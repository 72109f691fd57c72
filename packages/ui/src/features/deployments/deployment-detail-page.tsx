/** @jsxRuntime automatic */
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Button } from '../../components/ui/button.tsx';
import { Card, StatCard } from '../../components/ui/card.tsx';
import { ConfirmDialog } from '../../components/ui/confirm-dialog.tsx';
import { EmptyState } from '../../components/ui/empty-state.tsx';
import { ErrorState } from '../../components/ui/error-state.tsx';
import { IconAlert, IconInfo, IconPause, IconPlay, IconStop, IconUndo } from '../../components/ui/icons.tsx';
import { PageLoading } from '../../components/ui/spinner.tsx';
import { Table, TBody, Td, Th, THead, Tr } from '../../components/ui/table.tsx';
import { useToast } from '../../components/ui/toast.tsx';
import type { DeploymentDetail } from '../../lib/api/types.ts';
import { dateTime, relativeTime } from '../../lib/format.ts';
import { testIds } from '../../lib/testids.ts';
import { useNow } from '../../lib/use-now.ts';
import { useCan } from '../auth/hooks/session.tsx';
import type { DeploymentAction } from './api/deployments-api.ts';
import {
  availableActions,
  countByStatus,
  groupByBatch,
  otherStatusesLabel,
  progressOf,
  strategyLabel,
  targetSummary,
} from './components/deployment-model.ts';
import { BatchProgress, ProgressBar } from './components/deployment-progress.tsx';
import { PauseFigures } from './components/pause-figures.tsx';
import { DeploymentStatusBadge, TargetStatusBadge } from './components/deployment-status-badge.tsx';
import { useDeployment, useDeploymentAction } from './hooks/use-deployments.ts';

const actionMeta: Record<DeploymentAction, { label: string; testId: string; done: string }> = {
  pause: { label: 'Pause', testId: testIds.deploymentDetail.pause, done: 'Deployment paused' },
  resume: { label: 'Resume', testId: testIds.deploymentDetail.resume, done: 'Deployment resumed' },
  cancel: { label: 'Cancel', testId: testIds.deploymentDetail.cancel, done: 'Deployment cancelled' },
  rollback: { label: 'Roll back', testId: testIds.deploymentDetail.rollback, done: 'Rollback started' },
};

export function DeploymentDetailPage() {
  const { id = '' } = useParams();
  const deployment = useDeployment(id);
  if (deployment.isPending) return <PageLoading label="Loading deployment…" />;
  if (deployment.isError)
    return (
      <div className="space-y-4">
        <BackLink />
        <ErrorState error={deployment.error} onRetry={() => void deployment.refetch()} />
      </div>
    );
  return <DeploymentView deployment={deployment.data} />;
}

function BackLink() {
  return (
    <Link to="/deployments" className="text-xs text-zinc-500 hover:text-zinc-900 dark:hover:text-zinc-100">
      ← Deployments
    </Link>
  );
}

function DeploymentView({ deployment }: { deployment: DeploymentDetail }) {
  const canWrite = useCan('deployments:write');
  const action = useDeploymentAction(deployment.id);
  const toast = useToast();
  const now = useNow(10_000);
  const [confirming, setConfirming] = useState<DeploymentAction | null>(null);
  const batches = groupByBatch(deployment.targets, deployment.strategy, deployment.status, deployment.current_batch);
  const progress = progressOf(deployment.targets);
  const actions = canWrite ? availableActions(deployment.status) : [];

  const run = async (which: DeploymentAction) => {
    await action.mutateAsync(which);
    toast.success(actionMeta[which].done);
  };

  const targets = [...deployment.targets].sort(
    (a, b) => a.batch - b.batch || a.gateway_name.localeCompare(b.gateway_name),
  );

  return (
    <div data-testid={testIds.deploymentDetail.page} data-id={deployment.id}>
      <BackLink />
      <div className="mt-1 mb-5 flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-2">
            <h1 className="truncate text-xl font-semibold tracking-tight">
              {deployment.name || `${deployment.template_name} v${deployment.version}`}
            </h1>
            <DeploymentStatusBadge status={deployment.status} testId={testIds.deploymentDetail.status} />
          </div>
          <p className="mt-1 flex flex-wrap gap-x-2 text-xs text-zinc-500 dark:text-zinc-400">
            <Link
              to={`/templates/${deployment.template_id}`}
              className="font-medium text-accent-600 hover:underline dark:text-accent-400"
            >
              {deployment.template_name} v{deployment.version}
            </Link>
            <span>· target {targetSummary(deployment)}</span>
            <span>· {strategyLabel(deployment)}</span>
            {deployment.strategy.soak_seconds !== undefined && deployment.strategy.type === 'canary' && (
              <span>· soak {deployment.strategy.soak_seconds}s</span>
            )}
            <span>
              · started {relativeTime(deployment.created_at, now)}
              {deployment.created_by ? ` by ${deployment.created_by}` : ''}
            </span>
          </p>
        </div>
        {actions.length > 0 && (
          <div className="flex flex-wrap items-center gap-2">
            {actions.includes('pause') && (
              <Button
                icon={<IconPause size={15} />}
                loading={action.isPending && action.variables === 'pause'}
                onClick={() => void run('pause').catch((e) => toast.error(e, 'Could not pause'))}
                data-testid={actionMeta.pause.testId}
              >
                Pause
              </Button>
            )}
            {actions.includes('resume') && (
              <Button
                variant="primary"
                icon={<IconPlay size={15} />}
                loading={action.isPending && action.variables === 'resume'}
                onClick={() => void run('resume').catch((e) => toast.error(e, 'Could not resume'))}
                data-testid={actionMeta.resume.testId}
              >
                Resume
              </Button>
            )}
            {actions.includes('rollback') && (
              <Button
                icon={<IconUndo size={15} />}
                onClick={() => setConfirming('rollback')}
                data-testid={actionMeta.rollback.testId}
              >
                Roll back
              </Button>
            )}
            {actions.includes('cancel') && (
              <Button
                variant="danger-ghost"
                icon={<IconStop size={14} />}
                onClick={() => setConfirming('cancel')}
                data-testid={actionMeta.cancel.testId}
              >
                Cancel
              </Button>
            )}
          </div>
        )}
      </div>

      {deployment.reason && (
        <div
          role="alert"
          data-testid={testIds.deploymentDetail.reason}
          className={
            deployment.status === 'failed' || deployment.status === 'paused'
              ? 'mb-5 flex gap-3 rounded-xl border border-amber-300 bg-amber-50 px-4 py-3 text-sm ' +
                'text-amber-900 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-200'
              : 'mb-5 flex gap-3 rounded-xl border border-zinc-200 bg-zinc-50 px-4 py-3 text-sm ' +
                'text-zinc-700 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-300'
          }
        >
          {deployment.status === 'failed' || deployment.status === 'paused' ? (
            <IconAlert size={16} className="mt-0.5 shrink-0" />
          ) : (
            <IconInfo size={16} className="mt-0.5 shrink-0" />
          )}
          <div>
            <p className="font-medium">
              {deployment.status === 'paused'
                ? 'Paused'
                : deployment.status === 'failed'
                  ? 'Failed'
                  : deployment.status === 'rolled_back'
                    ? 'Rolled back'
                    : 'Note'}
            </p>
            <p className="mt-0.5 font-mono text-xs break-words">{deployment.reason}</p>
            {deployment.pause_details && <PauseFigures details={deployment.pause_details} />}
            {deployment.status === 'paused' && canWrite && (
              <p className="mt-1 text-xs">
                {batches.some((b) => b.batch > deployment.current_batch)
                  ? 'Later batches have not received this version. '
                  : ''}
                Fix the cause and resume, or roll back.
              </p>
            )}
          </div>
        </div>
      )}

      <div className="mb-5 grid grid-cols-2 gap-3 lg:grid-cols-4">
        <StatCard
          label="Applied"
          value={`${progress.applied}/${progress.total}`}
          tone={progress.applied === progress.total && progress.total > 0 ? 'success' : 'default'}
          hint={<ProgressBar counts={countByStatus(deployment.targets)} className="mt-1.5" />}
        />
        <StatCard label="Applying" value={progress.applying} hint="Config sent, waiting for the agent" />
        <StatCard
          label="Failed"
          value={progress.failed}
          tone={progress.failed > 0 ? 'danger' : 'default'}
          hint="Agent reported FAILED"
        />
        <StatCard
          label="Pending"
          value={progress.pending}
          hint={otherStatusesLabel(deployment.targets) ?? 'Not sent yet'}
        />
      </div>

      {batches.length > 0 && (
        <Card
          title="Rollout"
          description={
            deployment.strategy.type === 'canary'
              ? 'Each batch must apply and stay healthy before the next one starts.'
              : 'Every target receives the version at once.'
          }
          className="mb-5"
        >
          <BatchProgress batches={batches} soakSeconds={deployment.strategy.soak_seconds} />
        </Card>
      )}

      <Card
        title="Gateways"
        description="Each target follows the agent's remote-config status, live."
        padded={false}
        data-testid={testIds.deploymentDetail.targets}
      >
        {targets.length === 0 ? (
          <EmptyState
            className="py-8"
            title="No targets"
            description="No gateway matched this deployment's target when it started."
          />
        ) : (
          <Table>
            <THead>
              <tr>
                <Th>Gateway</Th>
                <Th>Batch</Th>
                <Th>Status</Th>
                <Th>Detail</Th>
                <Th>Updated</Th>
              </tr>
            </THead>
            <TBody>
              {targets.map((t) => (
                <Tr
                  key={t.gateway_id}
                  data-testid={testIds.deploymentDetail.targetRow}
                  data-id={t.gateway_id}
                  data-name={t.gateway_name}
                  data-status={t.status}
                >
                  <Td>
                    <Link
                      to={`/agents/${t.gateway_id}`}
                      className="font-medium hover:text-accent-600 dark:hover:text-accent-400"
                    >
                      {t.gateway_name}
                    </Link>
                  </Td>
                  <Td className="tabular-nums text-zinc-600 dark:text-zinc-400">
                    {batches.find((b) => b.batch === t.batch)?.position ?? t.batch}
                  </Td>
                  <Td>
                    <TargetStatusBadge status={t.status} />
                  </Td>
                  <Td className="max-w-md">
                    {t.error ? (
                      <span className="font-mono text-xs break-words text-red-700 dark:text-red-400">{t.error}</span>
                    ) : t.config_hash ? (
                      <span className="font-mono text-[11px] text-zinc-400">hash {t.config_hash.slice(0, 12)}</span>
                    ) : null}
                  </Td>
                  <Td className="text-xs text-zinc-500" title={dateTime(t.updated_at)}>
                    {relativeTime(t.updated_at, now)}
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        )}
      </Card>

      {deployment.excluded.length > 0 && (
        <Card
          title={`Excluded (${deployment.excluded.length})`}
          description="Matched the target but cannot take remote configuration."
          className="mt-5"
          data-testid={testIds.deploymentDetail.excluded}
        >
          <ul className="space-y-1 text-sm">
            {deployment.excluded.map((e) => (
              <li key={e.gateway_id} className="flex gap-2">
                <Link to={`/agents/${e.gateway_id}`} className="font-medium hover:text-accent-600">
                  {e.gateway_name}
                </Link>
                <span className="text-zinc-500">— {e.reason}</span>
              </li>
            ))}
          </ul>
        </Card>
      )}

      <ConfirmDialog
        open={confirming === 'rollback'}
        title="Roll back this deployment?"
        body={
          <p>
            Every target gets the version it had applied before this deployment. Gateways that had none keep the
            organization base configuration.
          </p>
        }
        confirmLabel="Roll back"
        tone="primary"
        onClose={() => setConfirming(null)}
        onConfirm={() => run('rollback')}
      />
      <ConfirmDialog
        open={confirming === 'cancel'}
        title="Cancel this deployment?"
        body={
          <p>
            Targets that have not received the version yet never will. Gateways that already applied it keep it — roll
            back to undo those.
          </p>
        }
        confirmLabel="Cancel deployment"
        onClose={() => setConfirming(null)}
        onConfirm={() => run('cancel')}
      />
    </div>
  );
}
