/** @jsxRuntime automatic */
import { Link, useNavigate } from 'react-router-dom';
import { Button, ButtonLink } from '../../components/ui/button.tsx';
import { EmptyState } from '../../components/ui/empty-state.tsx';
import { IconPlus, IconRocket } from '../../components/ui/icons.tsx';
import { PageHeader } from '../../components/ui/page-header.tsx';
import { QueryCard } from '../../components/ui/query-card.tsx';
import { Table, TBody, Td, Th, THead, Tr } from '../../components/ui/table.tsx';
import { dateTime, relativeTime } from '../../lib/format.ts';
import { testIds } from '../../lib/testids.ts';
import { useCan } from '../auth/hooks/session.tsx';
import { ProgressBar } from './components/deployment-progress.tsx';
import { strategyLabel, targetSummary } from './components/deployment-model.ts';
import { DeploymentStatusBadge } from './components/deployment-status-badge.tsx';
import { useDeploymentList } from './hooks/use-deployments.ts';

export function DeploymentsPage() {
  const list = useDeploymentList({ limit: 50 });
  const canWrite = useCan('deployments:write');
  const navigate = useNavigate();
  const deployments = list.data?.pages.flatMap((p) => p.items) ?? [];

  const newButton = canWrite && (
    <ButtonLink
      to="/deployments/new"
      variant="primary"
      icon={<IconPlus size={15} />}
      data-testid={testIds.deployments.create}
    >
      New deployment
    </ButtonLink>
  );

  return (
    <div data-testid={testIds.deployments.page}>
      <PageHeader
        title="Deployments"
        description={
          'Roll a template version out to gateways — all at once, ' +
          'or in canary batches that pause on the first failure.'
        }
        actions={newButton}
      />
      <QueryCard
        query={list}
        retry
        isEmpty={() => deployments.length === 0}
        empty={
          <EmptyState
            icon={<IconRocket size={20} />}
            title="No deployments yet"
            description={
              'A deployment sends one template version to a set of gateways, ' +
              'picked by id or by tag, and tracks each gateway until it reports the config applied.'
            }
            actions={canWrite ? newButton : <ButtonLink to="/templates">See templates</ButtonLink>}
          />
        }
      >
        {() => (
          <>
            <Table data-testid={testIds.deployments.table}>
              <THead>
                <tr>
                  <Th>Deployment</Th>
                  <Th>Status</Th>
                  <Th className="w-48">Progress</Th>
                  <Th>Target</Th>
                  <Th>Strategy</Th>
                  <Th>Started</Th>
                </tr>
              </THead>
              <TBody>
                {deployments.map((d) => {
                  const total = Object.values(d.counts).reduce((a, b) => a + b, 0);
                  return (
                    <Tr
                      key={d.id}
                      interactive
                      className="cursor-pointer"
                      onClick={(e) => {
                        if (!(e.target as HTMLElement).closest('a')) navigate(`/deployments/${d.id}`);
                      }}
                      data-testid={testIds.deployments.row}
                      data-id={d.id}
                      data-status={d.status}
                    >
                      <Td className="max-w-72">
                        <Link
                          to={`/deployments/${d.id}`}
                          className="font-medium hover:text-accent-600 dark:hover:text-accent-400"
                          data-testid={testIds.deployments.rowLink}
                        >
                          {d.name || `${d.template_name} v${d.version}`}
                        </Link>
                        {d.name && (
                          <p className="truncate text-xs text-zinc-500">
                            {d.template_name} v{d.version}
                          </p>
                        )}
                      </Td>
                      <Td>
                        <DeploymentStatusBadge status={d.status} />
                      </Td>
                      <Td>
                        <ProgressBar counts={d.counts} />
                        <p className="mt-1 text-[11px] text-zinc-500 tabular-nums">
                          {d.counts.applied ?? 0}/{total} applied
                          {(d.counts.failed ?? 0) > 0 && (
                            <span className="text-red-600 dark:text-red-400"> · {d.counts.failed} failed</span>
                          )}
                        </p>
                      </Td>
                      <Td className="font-mono text-xs text-zinc-600 dark:text-zinc-400">{targetSummary(d)}</Td>
                      <Td className="text-xs text-zinc-600 dark:text-zinc-400">{strategyLabel(d)}</Td>
                      <Td className="text-xs text-zinc-500" title={dateTime(d.created_at)}>
                        {relativeTime(d.created_at)}
                        {d.created_by && <span className="block text-zinc-400 dark:text-zinc-500">{d.created_by}</span>}
                      </Td>
                    </Tr>
                  );
                })}
              </TBody>
            </Table>
            {list.hasNextPage && (
              <div className="flex justify-center border-t border-zinc-100 p-3 dark:border-zinc-800">
                <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
                  Load more
                </Button>
              </div>
            )}
          </>
        )}
      </QueryCard>
    </div>
  );
}
