/** @jsxRuntime automatic */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { Button } from '../../../components/ui/button.tsx';
import { EmptyState } from '../../../components/ui/empty-state.tsx';
import { Input } from '../../../components/ui/form.tsx';
import { IconChevronRight } from '../../../components/ui/icons.tsx';
import { QueryCard } from '../../../components/ui/query-card.tsx';
import { Spinner } from '../../../components/ui/spinner.tsx';
import { Table, TBody, Td, Th, THead, Tr } from '../../../components/ui/table.tsx';
import { cn } from '../../../lib/cn.ts';
import { dateTime } from '../../../lib/format.ts';
import { testIds } from '../../../lib/testids.ts';
import { useDebounced } from '../../../lib/use-now.ts';
import { useCan, useOrgId } from '../../auth/hooks/session.tsx';
import { settingsApi, settingsKeys, type AuditQuery } from '../api/settings-api.ts';
import { AdminOnly } from './admin-only.tsx';

const PAGE_SIZE = 25;

export function AuditLog() {
  const canRead = useCan('audit:read');
  if (!canRead) return <AdminOnly what="the audit log" />;
  return <AuditTable />;
}

function AuditTable() {
  const orgId = useOrgId();
  const [action, setAction] = useState('');
  const [resourceType, setResourceType] = useState('');
  // Cursor-based paging: remember the cursors of pages already visited to go back.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [expanded, setExpanded] = useState<string | null>(null);
  const debouncedAction = useDebounced(action.trim(), 300);
  const debouncedType = useDebounced(resourceType.trim(), 300);
  const query: AuditQuery = {
    limit: PAGE_SIZE,
    cursor: cursors.at(-1),
    action: debouncedAction || undefined,
    resource_type: debouncedType || undefined,
  };
  const page = useQuery({
    queryKey: settingsKeys.audit(orgId, query),
    queryFn: ({ signal }) => settingsApi.audit(orgId, query, signal),
    placeholderData: keepPreviousData,
  });

  const resetPaging = () => setCursors([undefined]);

  return (
    <QueryCard
      query={page}
      title="Audit log"
      description={
        'Every change made in this organization: who, what, ' + 'when, and the request id to find it in server logs.'
      }
      actions={page.isFetching && !page.isPending ? <Spinner size="sm" className="text-zinc-400" /> : undefined}
      retry
      toolbar={
        <div className="flex flex-wrap gap-2 border-b border-zinc-100 p-3 dark:border-zinc-800">
          <Input
            className="w-56"
            placeholder="Action, e.g. template.create"
            aria-label="Filter by action"
            value={action}
            onChange={(e) => {
              setAction(e.target.value);
              resetPaging();
            }}
            data-testid={testIds.settings.auditAction}
          />
          <Input
            className="w-56"
            placeholder="Resource type, e.g. gateway"
            aria-label="Filter by resource type"
            value={resourceType}
            onChange={(e) => {
              setResourceType(e.target.value);
              resetPaging();
            }}
            data-testid={testIds.settings.auditResourceType}
          />
        </div>
      }
      empty={
        <EmptyState
          className="py-8"
          title="No entries"
          description={
            action || resourceType
              ? 'Nothing matches these filters.'
              : 'Changes appear here as people and API keys make them.'
          }
        />
      }
      isEmpty={(data) => data.items.length === 0}
      footer={
        <div
          className={cn(
            'flex items-center justify-between border-t border-zinc-100 px-4 py-2.5 text-xs text-zinc-500',
            'dark:border-zinc-800',
          )}
        >
          <span>Page {cursors.length}</span>
          <div className="flex gap-2">
            <Button
              size="sm"
              disabled={cursors.length <= 1}
              onClick={() => setCursors((c) => c.slice(0, -1))}
              data-testid={testIds.settings.auditPrev}
            >
              Newer
            </Button>
            <Button
              size="sm"
              disabled={!page.data?.next_cursor}
              onClick={() => page.data?.next_cursor && setCursors((c) => [...c, page.data.next_cursor ?? undefined])}
              data-testid={testIds.settings.auditNext}
            >
              Older
            </Button>
          </div>
        </div>
      }
    >
      {(auditPage) => (
        <Table data-testid={testIds.settings.auditTable}>
          <THead>
            <tr>
              <Th className="w-8" />
              <Th>When</Th>
              <Th>Actor</Th>
              <Th>Action</Th>
              <Th>Resource</Th>
              <Th>Request</Th>
            </tr>
          </THead>
          <TBody>
            {auditPage.items.map((entry) => {
              const open = expanded === entry.id;
              return (
                <Fragment key={entry.id}>
                  <Tr
                    interactive
                    className="cursor-pointer"
                    onClick={() => setExpanded(open ? null : entry.id)}
                    data-testid={testIds.settings.auditRow}
                    data-id={entry.id}
                    data-action={entry.action}
                  >
                    <Td>
                      <button
                        type="button"
                        aria-expanded={open}
                        aria-label="Show change details"
                        className="rounded p-0.5 text-zinc-400 hover:text-zinc-700"
                      >
                        <IconChevronRight size={14} className={cn('transition-transform', open && 'rotate-90')} />
                      </button>
                    </Td>
                    <Td className="text-xs whitespace-nowrap text-zinc-600 dark:text-zinc-400">
                      {dateTime(entry.created_at)}
                    </Td>
                    <Td className="text-xs">
                      {entry.actor_label ?? entry.actor_id ?? '—'}
                      <span className="ml-1 text-zinc-400">({entry.actor_type})</span>
                    </Td>
                    <Td className="font-mono text-xs">{entry.action}</Td>
                    <Td className="text-xs">
                      {entry.resource_type}
                      {entry.resource_id && (
                        <span className="ml-1 font-mono text-zinc-400">{entry.resource_id.slice(0, 8)}</span>
                      )}
                    </Td>
                    <Td className="font-mono text-[11px] text-zinc-400" title={entry.request_id ?? undefined}>
                      {entry.request_id ? entry.request_id.slice(0, 8) : '—'}
                    </Td>
                  </Tr>
                  {open && (
                    <tr className="bg-zinc-50 dark:bg-zinc-900/60">
                      <td colSpan={6} className="px-4 py-3">
                        <div className="grid gap-3 md:grid-cols-2">
                          <JsonBlock title="Before" value={entry.before} />
                          <JsonBlock title="After" value={entry.after} />
                        </div>
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </TBody>
        </Table>
      )}
    </QueryCard>
  );
}

function JsonBlock({ title, value }: { title: string; value: unknown }) {
  return (
    <div>
      <p className="mb-1 text-[11px] font-medium tracking-wide text-zinc-500 uppercase">{title}</p>
      <pre
        className={cn(
          'max-h-60 overflow-auto rounded-lg border border-zinc-200 bg-white p-2 font-mono',
          'text-[11px] text-zinc-700 dark:border-zinc-800 dark:bg-zinc-950 dark:text-zinc-300',
        )}
      >
        {value === null || value === undefined ? '—' : JSON.stringify(value, null, 2)}
      </pre>
    </div>
  );
}
