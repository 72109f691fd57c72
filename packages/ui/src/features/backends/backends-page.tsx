/** @jsxRuntime automatic */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge } from '../../components/ui/badge.tsx';
import { Button, ButtonLink } from '../../components/ui/button.tsx';
import { ConfirmDialog } from '../../components/ui/confirm-dialog.tsx';
import { EmptyState } from '../../components/ui/empty-state.tsx';
import { IconPencil, IconPlus, IconTemplate, IconTrash } from '../../components/ui/icons.tsx';
import { PageHeader } from '../../components/ui/page-header.tsx';
import { QueryCard } from '../../components/ui/query-card.tsx';
import { Table, TBody, Td, Th, THead, Tr } from '../../components/ui/table.tsx';
import { dateTime } from '../../lib/format.ts';
import { testIds } from '../../lib/testids.ts';
import { useCan, useOrgId } from '../auth/hooks/session.tsx';
import { backendKeys, backendsApi, type Backend } from './api/backends-api.ts';
import { IconBackend } from './components/icon-backend.tsx';
import { TemplateFromBackendsDialog } from './components/template-from-backends-dialog.tsx';

export function BackendsPage() {
  const orgId = useOrgId();
  const canWrite = useCan('secrets:write'); // credentials are involved: admins, like secrets
  const canTemplate = useCan('templates:write');
  const queryClient = useQueryClient();
  const backends = useQuery({
    queryKey: backendKeys.list(orgId),
    queryFn: ({ signal }) => backendsApi.list(orgId, signal),
  });
  const catalogue = useQuery({
    queryKey: backendKeys.catalogue(orgId),
    queryFn: ({ signal }) => backendsApi.catalogue(orgId, signal),
  });
  const [selected, setSelected] = useState<string[]>([]);
  const [composing, setComposing] = useState(false);
  const [deleting, setDeleting] = useState<Backend | null>(null);
  const remove = useMutation({
    mutationFn: (id: string) => backendsApi.remove(orgId, id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: backendKeys.all(orgId) }),
  });
  const titleOf = (type: string) => catalogue.data?.find((b) => b.type === type)?.title ?? type;
  const list = backends.data ?? [];
  const chosen = list.filter((b) => selected.includes(b.id));

  const createButton = canWrite && (
    <ButtonLink
      to="/backends/new"
      variant="primary"
      icon={<IconPlus size={15} />}
      data-testid={testIds.backends.create}
    >
      New backend
    </ButtonLink>
  );
  return (
    <div data-testid={testIds.backends.page} className="space-y-5">
      <PageHeader
        title="Backends"
        description={
          'Where gateways send telemetry: Datadog, Google Cloud, Grafana Cloud / Mimir, Prometheus or any OTLP endpoint. ' +
          'Each preset renders a correct exporter with auth, retry and a sending queue; credentials stay in Secrets.'
        }
        actions={
          <>
            {canTemplate && list.length > 0 && (
              <Button
                icon={<IconTemplate size={15} />}
                disabled={chosen.length === 0}
                onClick={() => setComposing(true)}
                title={chosen.length ? undefined : 'Select the backends to send to'}
                data-testid={testIds.backends.fromTemplate}
              >
                Create template from {chosen.length || 'selected'} backend{chosen.length === 1 ? '' : 's'}
              </Button>
            )}
            {createButton}
          </>
        }
      />
      <QueryCard
        query={backends}
        retry
        empty={
          <EmptyState
            icon={<IconBackend size={20} />}
            title="No backends yet"
            description="Save where your telemetry goes once, then compose templates from backends instead of writing exporter YAML."
            actions={createButton}
          />
        }
      >
        {() => (
          <Table data-testid={testIds.backends.table}>
            <THead>
              <tr>
                <Th className="w-8" />
                <Th>Name</Th>
                <Th>Type</Th>
                <Th>Signals</Th>
                <Th>Secrets used</Th>
                <Th>Updated</Th>
                {canWrite && <Th className="w-28" />}
              </tr>
            </THead>
            <TBody>
              {list.map((b) => (
                <Tr key={b.id} data-testid={testIds.backends.row} data-id={b.id} data-name={b.name} data-type={b.type}>
                  <Td>
                    <input
                      type="checkbox"
                      aria-label={`Select ${b.name}`}
                      className="size-4 rounded border-zinc-300 text-accent-600 dark:border-zinc-600"
                      checked={selected.includes(b.id)}
                      onChange={(e) =>
                        setSelected((s) => (e.target.checked ? [...s, b.id] : s.filter((x) => x !== b.id)))
                      }
                      data-testid={testIds.backends.select}
                    />
                  </Td>
                  <Td className="font-medium">{b.name}</Td>
                  <Td>
                    <span className="text-sm">{titleOf(b.type)}</span>
                    {typeof b.config.mode === 'string' && (
                      <span className="ml-1.5 text-xs text-zinc-500">({b.config.mode.replace(/_/g, ' ')})</span>
                    )}
                  </Td>
                  <Td>
                    <span className="flex flex-wrap gap-1">
                      {b.signals.map((s) => (
                        <Badge key={s} tone="info">
                          {s}
                        </Badge>
                      ))}
                    </span>
                  </Td>
                  <Td className="font-mono text-xs text-zinc-600 dark:text-zinc-400">
                    {b.secrets.length ? b.secrets.join(', ') : <span className="text-zinc-400">none</span>}
                  </Td>
                  <Td className="text-xs text-zinc-500">{dateTime(b.updated_at)}</Td>
                  {canWrite && (
                    <Td className="text-right whitespace-nowrap">
                      <ButtonLink
                        to={`/backends/${b.id}`}
                        size="sm"
                        variant="ghost"
                        icon={<IconPencil size={13} />}
                        data-testid={testIds.backends.edit}
                      >
                        Edit
                      </ButtonLink>
                      <Button
                        size="sm"
                        variant="danger-ghost"
                        icon={<IconTrash size={13} />}
                        aria-label={`Delete ${b.name}`}
                        onClick={() => setDeleting(b)}
                        data-testid={testIds.backends.delete}
                      />
                    </Td>
                  )}
                </Tr>
              ))}
            </TBody>
          </Table>
        )}
      </QueryCard>
      {composing && (
        <TemplateFromBackendsDialog
          orgId={orgId}
          backends={chosen}
          open={composing}
          onClose={() => setComposing(false)}
        />
      )}
      <ConfirmDialog
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        title={`Delete backend ${deleting?.name ?? ''}?`}
        body="Templates made from it keep their configuration. Its secrets are not deleted."
        confirmLabel="Delete"
        tone="danger"
        onConfirm={async () => {
          if (deleting) await remove.mutateAsync(deleting.id);
          setDeleting(null);
        }}
      />
    </div>
  );
}
