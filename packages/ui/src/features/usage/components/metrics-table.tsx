/** @jsxRuntime automatic */
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { MetricUsage, UsedBy } from '@flowgate/config-model';
import { Fragment, useState } from 'react';
import { Badge, type Tone } from '../../../components/ui/badge.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Card } from '../../../components/ui/card.tsx';
import { EmptyState } from '../../../components/ui/empty-state.tsx';
import { ErrorState } from '../../../components/ui/error-state.tsx';
import { Input, Segmented } from '../../../components/ui/form.tsx';
import { IconChevronDown, IconChevronRight, IconSearch } from '../../../components/ui/icons.tsx';
import { PageLoading, Spinner } from '../../../components/ui/spinner.tsx';
import { Table, TBody, Td, Th, THead, Tr } from '../../../components/ui/table.tsx';
import { relativeTime } from '../../../lib/format.ts';
import { testIds } from '../../../lib/testids.ts';
import { useOrgId } from '../../auth/hooks/session.tsx';
import { usageApi, usageKeys, type UsedFilter } from '../api/usage-api.ts';

const USED: Record<string, [Tone, string]> = {
  true: ['success', 'Used'],
  false: ['muted', 'Unused'],
  unknown: ['warning', 'Unknown'],
};
const KIND_LABEL: Record<string, string> = {
  panel: 'Panel',
  variable: 'Variable',
  annotation: 'Annotation',
  alerting: 'Alert',
  recording: 'Recording rule',
};

export function LabelsUsed({ metric }: { metric: MetricUsage }) {
  if (metric.used === false) return <span className="text-xs text-zinc-400">—</span>;
  if (metric.labels_used === 'all')
    return (
      <span className="text-xs text-zinc-700 dark:text-zinc-300" data-testid={testIds.usage.metricLabels}>
        all labels
        {metric.all_except.length > 0 && (
          <span className="text-zinc-500">
            {' '}
            but <span className="font-mono">{metric.all_except.join(', ')}</span>
          </span>
        )}
      </span>
    );
  if (metric.labels_used.length === 0)
    return (
      <span className="text-xs text-zinc-500" data-testid={testIds.usage.metricLabels}>
        none (aggregated away)
      </span>
    );
  return (
    <span className="flex flex-wrap gap-1" data-testid={testIds.usage.metricLabels}>
      {metric.labels_used.map((l) => (
        <span
          key={l}
          className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-[11px] text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300"
        >
          {l}
        </span>
      ))}
    </span>
  );
}

function UsedByRow({ u }: { u: UsedBy }) {
  const where = [u.title, u.panel, u.rule && u.rule !== u.panel ? u.rule : undefined].filter(Boolean).join(' › ');
  return (
    <li className="py-2" data-testid={testIds.usage.usedByRow} data-kind={u.kind}>
      <div className="flex flex-wrap items-center gap-2 text-xs">
        <Badge tone={u.kind === 'recording' ? 'info' : 'neutral'}>{KIND_LABEL[u.kind] ?? u.kind}</Badge>
        <span className="font-medium text-zinc-800 dark:text-zinc-200">{where}</span>
        <span className="text-zinc-500">· {u.source}</span>
        {u.url && (
          <a
            href={u.url}
            target="_blank"
            rel="noreferrer"
            className="text-accent-600 hover:underline dark:text-accent-400"
            data-testid={testIds.usage.usedByLink}
          >
            Open in Grafana ↗
          </a>
        )}
      </div>
      {u.via && (
        <p className="mt-0.5 text-[11px] text-zinc-500">
          because <span className="font-mono">{u.via}</span> is read
        </p>
      )}
      {u.unread_output && (
        <p className="mt-0.5 text-[11px] text-zinc-500">
          nothing reads the series this rule records: it does not count
        </p>
      )}
      {u.unparseable && (
        <p className="mt-0.5 text-[11px] text-amber-700 dark:text-amber-400">does not parse: {u.unparseable}</p>
      )}
      <code className="mt-1 block overflow-x-auto rounded bg-zinc-50 px-2 py-1 font-mono text-[11px] whitespace-pre-wrap text-zinc-700 dark:bg-zinc-800/60 dark:text-zinc-300">
        {u.query}
      </code>
    </li>
  );
}

function MetricDetail({ name }: { name: string }) {
  const orgId = useOrgId();
  const detail = useQuery({
    queryKey: usageKeys.metric(orgId, name),
    queryFn: ({ signal }) => usageApi.metric(orgId, name, signal),
  });
  if (detail.status === 'pending') return <Spinner size="sm" />;
  if (detail.status === 'error') return <ErrorState error={detail.error} compact />;
  const m = detail.data;
  return (
    <div data-testid={testIds.usage.metricDetail}>
      {m.used_by.length === 0 ? (
        <p className="text-xs text-zinc-500">No dashboard, panel or rule reads this metric.</p>
      ) : (
        <>
          <p className="text-xs text-zinc-500">
            Read by {m.used_by_total} quer{m.used_by_total === 1 ? 'y' : 'ies'}
            {m.used_by.length < m.used_by_total ? ` (first ${m.used_by.length} shown)` : ''}
          </p>
          <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {m.used_by.map((u, i) => (
              <UsedByRow key={i} u={u} />
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

export function MetricsTable() {
  const orgId = useOrgId();
  const [q, setQ] = useState('');
  const [used, setUsed] = useState<UsedFilter>('all');
  const [open, setOpen] = useState<string | null>(null);
  const metrics = useInfiniteQuery({
    queryKey: usageKeys.metrics(orgId, q, used),
    queryFn: ({ pageParam, signal }) => usageApi.metrics(orgId, q, used, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const first = metrics.data?.pages[0];
  const counts = first?.counts;
  const items = metrics.data?.pages.flatMap((p) => p.items) ?? [];
  const n = (k: keyof NonNullable<typeof counts>) => (counts ? ` ${counts[k]}` : '');

  return (
    <Card
      title="Metrics"
      description={
        'Every metric a source reads — and, once gateways report an inventory, every metric you send. ' +
        'Unknown: only queries that do not parse read it (treated as used).'
      }
      padded={false}
      actions={
        first?.computed_at && <span className="text-xs text-zinc-500">merged {relativeTime(first.computed_at)}</span>
      }
    >
      <div className="flex flex-wrap items-center gap-3 border-b border-zinc-100 px-4 py-3 dark:border-zinc-800">
        <div className="relative w-72">
          <IconSearch size={14} className="pointer-events-none absolute top-2.5 left-2.5 text-zinc-400" />
          <Input
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder="Search metrics"
            className="w-72 pl-8"
            data-testid={testIds.usage.metricsSearch}
          />
        </div>
        <div data-testid={testIds.usage.metricsFilter}>
          <Segmented
            label="Filter by use"
            value={used}
            onChange={setUsed}
            options={[
              { value: 'all', label: `All${n('total')}`, testId: `${testIds.usage.metricsFilter}-all` },
              { value: 'true', label: `Used${n('used')}`, testId: `${testIds.usage.metricsFilter}-true` },
              { value: 'false', label: `Unused${n('unused')}`, testId: `${testIds.usage.metricsFilter}-false` },
              { value: 'unknown', label: `Unknown${n('unknown')}`, testId: `${testIds.usage.metricsFilter}-unknown` },
            ]}
          />
        </div>
        <span className="ml-auto text-xs text-zinc-500" data-testid={testIds.usage.metricsCount}>
          {metrics.isSuccess ? `${items.length} shown` : ''}
        </span>
      </div>
      {metrics.status === 'pending' ? (
        <PageLoading />
      ) : metrics.status === 'error' ? (
        <div className="p-4">
          <ErrorState error={metrics.error} onRetry={() => void metrics.refetch()} />
        </div>
      ) : items.length === 0 ? (
        <EmptyState
          className="m-4"
          icon={<IconSearch size={20} />}
          title={q || used !== 'all' ? 'No metric matches' : 'No metrics yet'}
          description={
            q || used !== 'all'
              ? 'Change the search or the filter.'
              : 'Add a source: its queries tell which metrics are read.'
          }
        />
      ) : (
        <Table data-testid={testIds.usage.metricsTable}>
          <THead>
            <tr>
              <Th className="w-8" />
              <Th>Metric</Th>
              <Th>Status</Th>
              <Th>Labels queries depend on</Th>
              <Th>Read by</Th>
            </tr>
          </THead>
          <TBody>
            {items.map((m) => {
              const [tone, label] = USED[String(m.used)]!;
              const expanded = open === m.name;
              const firstReader = m.used_by.find((u) => !u.unread_output);
              return (
                <Fragment key={m.name}>
                  <Tr
                    data-testid={testIds.usage.metricRow}
                    data-name={m.name}
                    data-used={String(m.used)}
                    onClick={() => setOpen(expanded ? null : m.name)}
                    className="cursor-pointer"
                  >
                    <Td className="text-zinc-400">
                      {expanded ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
                    </Td>
                    <Td className="font-mono text-xs font-medium break-all">{m.name}</Td>
                    <Td>
                      <Badge tone={tone} dot>
                        {label}
                      </Badge>
                    </Td>
                    <Td>
                      <LabelsUsed metric={m} />
                    </Td>
                    <Td className="text-xs text-zinc-600 dark:text-zinc-400">
                      {m.used_by_total === 0
                        ? '—'
                        : `${m.used_by_total} quer${m.used_by_total === 1 ? 'y' : 'ies'}${firstReader ? ` · ${firstReader.title}` : ''}`}
                    </Td>
                  </Tr>
                  {expanded && (
                    <tr className="bg-zinc-50/60 dark:bg-zinc-900/40">
                      <td colSpan={5} className="px-4 py-3">
                        <MetricDetail name={m.name} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </TBody>
        </Table>
      )}
      {metrics.hasNextPage && (
        <div className="border-t border-zinc-100 px-4 py-3 text-center dark:border-zinc-800">
          <Button
            size="sm"
            onClick={() => void metrics.fetchNextPage()}
            disabled={metrics.isFetchingNextPage}
            data-testid={testIds.usage.metricsMore}
          >
            {metrics.isFetchingNextPage ? 'Loading…' : 'Load more'}
          </Button>
        </div>
      )}
    </Card>
  );
}
