/** @jsxRuntime automatic */
import { useMutation, useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import type { UsageSource } from '@flowgate/config-model';
import { useState } from 'react';
import { Badge, type Tone } from '../../../components/ui/badge.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog.tsx';
import { EmptyState } from '../../../components/ui/empty-state.tsx';
import { IconRefresh, IconSearch, IconTrash } from '../../../components/ui/icons.tsx';
import { QueryCard } from '../../../components/ui/query-card.tsx';
import { Table, TBody, Td, Th, THead, Tr } from '../../../components/ui/table.tsx';
import { useToast } from '../../../components/ui/toast.tsx';
import { dateTime, relativeTime } from '../../../lib/format.ts';
import { testIds } from '../../../lib/testids.ts';
import { useCan, useOrgId } from '../../auth/hooks/session.tsx';
import { usageApi, usageKeys } from '../api/usage-api.ts';

const KIND_LABEL: Record<UsageSource['kind'], string> = {
  grafana_dashboard: 'Dashboard upload',
  prometheus_rules: 'Rule file upload',
  grafana: 'Grafana',
  prometheus: 'Rules API',
};
const STATUS: Record<UsageSource['status'], [Tone, string]> = {
  ok: ['success', 'Read'],
  error: ['danger', 'Error'],
  pending: ['muted', 'Pending'],
};

/** What the source held at its last successful read, in a line. */
export function heldSummary(s: UsageSource): string {
  const m = s.summary;
  if (!m) return 'nothing read yet';
  const n = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;
  const parts =
    s.kind === 'grafana' || s.kind === 'grafana_dashboard'
      ? [n(m.dashboards, 'dashboard'), n(m.panels, 'panel')]
      : [n(m.rule_groups, 'group'), `${m.recording_rules} recording`, `${m.alerting_rules} alerting`];
  parts.push(n(m.queries, 'query', 'queries'), n(m.metrics, 'metric'));
  return parts.join(' · ');
}

function Problems({ source }: { source: UsageSource }) {
  const [open, setOpen] = useState(false);
  if (source.problems_total === 0) return null;
  const unparseable = source.summary?.unparseable ?? 0;
  return (
    <div className="mt-1" data-testid={testIds.usage.sourceProblems}>
      <button
        type="button"
        onClick={() => setOpen(!open)}
        className="text-[11px] font-medium text-amber-700 hover:underline dark:text-amber-400"
      >
        {source.problems_total} problem{source.problems_total === 1 ? '' : 's'}
        {unparseable
          ? ` (${unparseable} unparseable quer${unparseable === 1 ? 'y' : 'ies'}: their metrics count as unknown)`
          : ''}
        {open ? ' ▴' : ' ▾'}
      </button>
      {open && (
        <ul className="mt-1 max-h-48 space-y-1 overflow-auto text-[11px] text-zinc-600 dark:text-zinc-400">
          {source.problems.map((p, i) => (
            <li key={i} className="rounded bg-zinc-50 px-2 py-1 dark:bg-zinc-800/60">
              <span className="font-medium text-zinc-800 dark:text-zinc-200">
                {[p.location?.dashboard_title, p.location?.panel_title, p.location?.rule].filter(Boolean).join(' › ') ||
                  p.kind}
              </span>
              {': '}
              {p.message}
              {p.expr && <code className="mt-0.5 block truncate font-mono text-zinc-500">{p.expr}</code>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function ReplacedVariables({ source }: { source: UsageSource }) {
  const [open, setOpen] = useState(false);
  const count = source.replaced_variables.reduce((n, d) => n + d.variables.length, 0);
  if (count === 0) return null;
  return (
    <div className="mt-1" data-testid={testIds.usage.sourceVariables}>
      <button
        type="button"
        onClick={() => setOpen(!open)}
        className="text-[11px] font-medium text-zinc-500 hover:underline dark:text-zinc-400"
      >
        {count} Grafana variable{count === 1 ? '' : 's'} replaced before parsing{open ? ' ▴' : ' ▾'}
      </button>
      {open && (
        <ul className="mt-1 max-h-48 space-y-1 overflow-auto text-[11px] text-zinc-600 dark:text-zinc-400">
          {source.replaced_variables.map((d) => (
            <li key={d.dashboard}>
              <span className="font-medium text-zinc-800 dark:text-zinc-200">{d.dashboard}</span>:{' '}
              {d.variables.map((v, i) => (
                <span key={v.variable} className="font-mono">
                  {i > 0 && ', '}${v.variable} → {v.value.startsWith('__fgvar_') ? 'any' : v.value}
                </span>
              ))}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function SourcesCard({ sources, onAdd }: { sources: UseQueryResult<UsageSource[]>; onAdd: () => void }) {
  const orgId = useOrgId();
  const canWrite = useCan('usage:write');
  const queryClient = useQueryClient();
  const toast = useToast();
  const [removing, setRemoving] = useState<UsageSource | null>(null);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: usageKeys.all(orgId) });
  const refresh = useMutation({
    mutationFn: (id: string) => usageApi.refresh(orgId, id),
    onSuccess: (s) => {
      void invalidate();
      if (s.status === 'error')
        toast.error(new Error(`${s.error?.code}: ${s.error?.message}`), `${s.name} could not be read`);
      else toast.success(`${s.name} read again`, heldSummary(s));
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => usageApi.remove(orgId, id),
    onSuccess: () => void invalidate(),
  });

  return (
    <>
      <QueryCard
        query={sources}
        title="Sources"
        description="Dashboards and rules Flowgate reads usage from. Connectors are read again every hour."
        retry
        empty={
          <EmptyState
            icon={<IconSearch size={20} />}
            title="No usage sources yet"
            description="Upload a Grafana dashboard or a rule file, or connect a Grafana server or a Prometheus rules API, to see which metrics and labels are actually read."
            actions={
              canWrite && (
                <Button variant="primary" onClick={onAdd}>
                  Add a source
                </Button>
              )
            }
          />
        }
      >
        {(list) => (
          <Table data-testid={testIds.usage.sourcesTable}>
            <THead>
              <tr>
                <Th>Source</Th>
                <Th>Status</Th>
                <Th>What it held</Th>
                <Th>Last read</Th>
                {canWrite && <Th className="w-40" />}
              </tr>
            </THead>
            <TBody>
              {list.map((s) => {
                const [tone, label] = STATUS[s.status];
                return (
                  <Tr
                    key={s.id}
                    data-testid={testIds.usage.sourceRow}
                    data-id={s.id}
                    data-name={s.name}
                    data-status={s.status}
                  >
                    <Td>
                      <div className="font-medium">{s.name}</div>
                      <div className="text-[11px] text-zinc-500 dark:text-zinc-400">
                        {KIND_LABEL[s.kind]}
                        {s.url && <span className="font-mono"> · {s.url}</span>}
                        {s.token_secret && (
                          <span className="font-mono">
                            {' '}
                            · ${'{'}secret:{s.token_secret}
                            {'}'}
                          </span>
                        )}
                      </div>
                    </Td>
                    <Td>
                      <span data-testid={testIds.usage.sourceStatus}>
                        <Badge tone={tone} dot>
                          {label}
                        </Badge>
                      </span>
                      {s.error && (
                        <p
                          className="mt-1 max-w-sm text-[11px] text-red-700 dark:text-red-400"
                          data-testid={testIds.usage.sourceError}
                        >
                          <span className="font-mono">{s.error.code}</span>: {s.error.message}
                          {s.summary && <span className="block text-zinc-500">Earlier results are kept.</span>}
                        </p>
                      )}
                    </Td>
                    <Td className="text-xs text-zinc-600 dark:text-zinc-300">
                      {heldSummary(s)}
                      <Problems source={s} />
                      <ReplacedVariables source={s} />
                    </Td>
                    <Td className="text-xs text-zinc-500" title={dateTime(s.last_read_at)}>
                      {s.last_read_at ? relativeTime(s.last_read_at) : '—'}
                    </Td>
                    {canWrite && (
                      <Td className="text-right whitespace-nowrap">
                        <Button
                          size="sm"
                          variant="ghost"
                          icon={<IconRefresh size={14} />}
                          disabled={refresh.isPending && refresh.variables === s.id}
                          onClick={() => refresh.mutate(s.id)}
                          data-testid={testIds.usage.sourceRefresh}
                        >
                          Refresh
                        </Button>
                        <Button
                          size="sm"
                          variant="danger-ghost"
                          icon={<IconTrash size={14} />}
                          onClick={() => setRemoving(s)}
                          data-testid={testIds.usage.sourceDelete}
                          aria-label={`Remove ${s.name}`}
                        />
                      </Td>
                    )}
                  </Tr>
                );
              })}
            </TBody>
          </Table>
        )}
      </QueryCard>
      {removing && (
        <ConfirmDialog
          open
          title={`Remove "${removing.name}"?`}
          body="Its dashboards and rules no longer count as readers: metrics only they read become unused."
          confirmLabel="Remove"
          tone="danger"
          onClose={() => setRemoving(null)}
          onConfirm={async () => {
            await remove.mutateAsync(removing.id);
            setRemoving(null);
          }}
        />
      )}
    </>
  );
}
