/** @jsxRuntime automatic */
import { useEffect, useMemo, useState } from 'react';
import { gatewayStatuses, healthStatuses } from '@flowgate/config-model';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { TagChip } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { EmptyState } from '../../components/ui/empty-state.tsx';
import { Input, Select } from '../../components/ui/form.tsx';
import { IconSearch, IconServer } from '../../components/ui/icons.tsx';
import { PageHeader } from '../../components/ui/page-header.tsx';
import { QueryCard } from '../../components/ui/query-card.tsx';
import { Spinner } from '../../components/ui/spinner.tsx';
import { Table, TBody, Td, Th, THead, Tr } from '../../components/ui/table.tsx';
import type { GatewayListQuery, GatewaySummary } from '../../lib/api/types.ts';
import { cn } from '../../lib/cn.ts';
import { dateTime, relativeTime, tagsToText } from '../../lib/format.ts';
import { testIds } from '../../lib/testids.ts';
import { useDebounced, useNow } from '../../lib/use-now.ts';
import { useCan } from '../auth/hooks/session.tsx';
import type { GatewayFilters } from './api/gateway-keys.ts';
import { GatewayStatusBadge, HealthBadge, TransportLabel } from './components/gateway-badges.tsx';
import { StartGatewayGuide } from './components/start-gateway-guide.tsx';
import { useAgentTags, useGatewayList } from './hooks/use-gateways.ts';

/** 'unhealthy' → 'Unhealthy' (filter option labels). */
const label = (v: string) => v.charAt(0).toUpperCase() + v.slice(1);

type Sort = NonNullable<GatewayListQuery['sort']>;
const sorts: Sort[] = ['name', '-name', 'last_seen', '-last_seen', 'created_at', '-created_at'];

function filtersFromParams(params: URLSearchParams): GatewayFilters {
  const sort = params.get('sort');
  return {
    name: params.get('name') || undefined,
    health: params.get('health') || undefined,
    status: params.get('status') || undefined,
    tag: params.get('tag') || undefined,
    sort: sort && (sorts as string[]).includes(sort) ? (sort as Sort) : undefined,
    limit: 50,
  };
}

export function AgentsPage() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const now = useNow();
  const canCreateToken = useCan('tokens:write');
  const [search, setSearch] = useState(params.get('name') ?? '');
  const debouncedSearch = useDebounced(search, 250);
  const filters = useMemo(() => filtersFromParams(params), [params]);
  const list = useGatewayList(filters);
  const tags = useAgentTags();

  const setParam = (key: string, value: string | undefined) => {
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  };

  useEffect(() => {
    if ((params.get('name') ?? '') !== debouncedSearch) setParam('name', debouncedSearch || undefined);
  }, [debouncedSearch]);

  const gateways: GatewaySummary[] = list.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = Boolean(filters.name || filters.health || filters.status || filters.tag);
  const tagOptions = (tags.data ?? []).flatMap((t) => t.values.map((v) => `${t.key}=${v}`));

  const sortBy = (column: 'name' | 'last_seen') => {
    const current = filters.sort;
    const next: Sort = current === column ? (`-${column}` as Sort) : column;
    setParam('sort', next);
  };
  const sortMark = (column: 'name' | 'last_seen') =>
    filters.sort === column ? ' ↑' : filters.sort === `-${column}` ? ' ↓' : '';

  return (
    <div data-testid={testIds.agents.page}>
      <PageHeader
        title="Agents"
        description="Every OpenTelemetry gateway enrolled in this organization, updated live."
        actions={
          list.data && (
            <span className="text-xs text-zinc-500" data-testid={testIds.agents.count}>
              {gateways.length}
              {list.hasNextPage ? '+' : ''} {gateways.length === 1 ? 'gateway' : 'gateways'}
            </span>
          )
        }
      />
      <QueryCard
        query={list}
        retry
        loadingLabel="Loading gateways…"
        toolbar={
          <div className="flex flex-wrap items-center gap-2 border-b border-zinc-100 p-3 dark:border-zinc-800">
            <div className="relative min-w-56 flex-1">
              <IconSearch
                size={15}
                className="pointer-events-none absolute top-1/2 left-2.5 -translate-y-1/2 text-zinc-400"
              />
              <Input
                type="search"
                placeholder="Search by name"
                aria-label="Search gateways by name"
                className="pl-8"
                value={search}
                onChange={(e) => setSearch(e.target.value)}
                data-testid={testIds.agents.search}
              />
            </div>
            <Select
              aria-label="Health"
              className="w-36"
              value={filters.health ?? ''}
              onChange={(e) => setParam('health', e.target.value || undefined)}
              data-testid={testIds.agents.healthFilter}
            >
              <option value="">Any health</option>
              {healthStatuses.map((h) => (
                <option key={h} value={h}>
                  {label(h)}
                </option>
              ))}
            </Select>
            <Select
              aria-label="Status"
              className="w-36"
              value={filters.status ?? ''}
              onChange={(e) => setParam('status', e.target.value || undefined)}
              data-testid={testIds.agents.statusFilter}
            >
              <option value="">Any status</option>
              {gatewayStatuses.map((st) => (
                <option key={st} value={st}>
                  {label(st)}
                </option>
              ))}
            </Select>
            <Select
              aria-label="Tag"
              className="w-44"
              value={filters.tag ?? ''}
              onChange={(e) => setParam('tag', e.target.value || undefined)}
              data-testid={testIds.agents.tagFilter}
            >
              <option value="">Any tag</option>
              {filters.tag && !tagOptions.includes(filters.tag) && <option value={filters.tag}>{filters.tag}</option>}
              {tagOptions.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </Select>
            {filtered && (
              <Button
                variant="ghost"
                size="sm"
                onClick={() => {
                  setSearch('');
                  setParams(new URLSearchParams(), { replace: true });
                }}
                data-testid={testIds.agents.clearFilters}
              >
                Clear
              </Button>
            )}
            {list.isFetching && !list.isPending && <Spinner size="sm" className="text-zinc-400" />}
          </div>
        }
        isEmpty={() => gateways.length === 0}
        empty={
          filtered ? (
            <EmptyState
              icon={<IconSearch size={20} />}
              title="No gateway matches these filters"
              description="Try another name, or clear the filters to see the whole fleet."
              actions={
                <Button
                  onClick={() => {
                    setSearch('');
                    setParams(new URLSearchParams(), { replace: true });
                  }}
                >
                  Clear filters
                </Button>
              }
            />
          ) : (
            <EmptyState
              icon={<IconServer size={20} />}
              title="No gateways yet"
              description="Connect your first OpenTelemetry gateway in three steps."
            >
              <StartGatewayGuide canCreateToken={canCreateToken} />
            </EmptyState>
          )
        }
      >
        {() => (
          <>
            <Table data-testid={testIds.agents.table}>
              <THead>
                <tr>
                  <Th>
                    <button
                      type="button"
                      className="hover:text-zinc-900 dark:hover:text-zinc-100"
                      onClick={() => sortBy('name')}
                    >
                      Name{sortMark('name')}
                    </button>
                  </Th>
                  <Th>Status</Th>
                  <Th>Health</Th>
                  <Th>Version</Th>
                  <Th>
                    <button
                      type="button"
                      className="hover:text-zinc-900 dark:hover:text-zinc-100"
                      onClick={() => sortBy('last_seen')}
                    >
                      Last seen{sortMark('last_seen')}
                    </button>
                  </Th>
                  <Th>Tags</Th>
                  <Th>Transport</Th>
                </tr>
              </THead>
              <TBody>
                {gateways.map((gateway) => (
                  <Tr
                    key={gateway.id}
                    interactive
                    className="cursor-pointer"
                    onClick={(event) => {
                      if ((event.target as HTMLElement).closest('a,button')) return;
                      navigate(`/agents/${gateway.id}`);
                    }}
                    data-testid={testIds.agents.row}
                    data-id={gateway.id}
                    data-name={gateway.name}
                    data-status={gateway.connected ? 'connected' : gateway.status}
                    data-health={gateway.health.status}
                  >
                    <Td className="max-w-64">
                      <Link
                        to={`/agents/${gateway.id}`}
                        className={cn(
                          'block truncate font-medium text-zinc-900 hover:text-accent-600',
                          'dark:text-zinc-100 dark:hover:text-accent-400',
                        )}
                        data-testid={testIds.agents.rowLink}
                      >
                        {gateway.name}
                      </Link>
                      {gateway.hostname && gateway.hostname !== gateway.name && (
                        <span className="block truncate font-mono text-[11px] text-zinc-400" title="host.name">
                          {gateway.hostname}
                        </span>
                      )}
                    </Td>
                    <Td>
                      <GatewayStatusBadge gateway={gateway} />
                    </Td>
                    <Td>
                      <HealthBadge status={gateway.health.status} score={gateway.health.score} />
                    </Td>
                    <Td className="font-mono text-xs text-zinc-600 dark:text-zinc-400">{gateway.version ?? '—'}</Td>
                    <Td className="text-xs whitespace-nowrap text-zinc-600 dark:text-zinc-400">
                      <span title={dateTime(gateway.last_seen)}>
                        {gateway.connected ? 'now' : relativeTime(gateway.last_seen, now)}
                      </span>
                    </Td>
                    <Td className="max-w-72">
                      <TagList tags={gateway.tags} />
                    </Td>
                    <Td>
                      <TransportLabel transport={gateway.transport} mode={gateway.mode} />
                    </Td>
                  </Tr>
                ))}
              </TBody>
            </Table>
            {list.hasNextPage && (
              <div className="flex justify-center border-t border-zinc-100 p-3 dark:border-zinc-800">
                <Button
                  onClick={() => void list.fetchNextPage()}
                  loading={list.isFetchingNextPage}
                  data-testid={testIds.agents.loadMore}
                >
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

function TagList({ tags }: { tags: Record<string, string> }) {
  const items = tagsToText(tags);
  if (items.length === 0) return <span className="text-zinc-400">—</span>;
  const shown = items.slice(0, 3);
  return (
    <div className="flex flex-wrap gap-1" title={items.join(', ')}>
      {shown.map((t) => (
        <TagChip key={t}>{t}</TagChip>
      ))}
      {items.length > shown.length && <span className="text-[11px] text-zinc-400">+{items.length - shown.length}</span>}
    </div>
  );
}
