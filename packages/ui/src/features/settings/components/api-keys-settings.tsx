/** @jsxRuntime automatic */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { roles } from '@flowgate/config-model';
import { Badge } from '../../../components/ui/badge.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Card } from '../../../components/ui/card.tsx';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog.tsx';
import { CopyButton } from '../../../components/ui/copy-button.tsx';
import { EmptyState } from '../../../components/ui/empty-state.tsx';
import { InlineError } from '../../../components/ui/error-state.tsx';
import { Field, Input, Select } from '../../../components/ui/form.tsx';
import { IconAlert } from '../../../components/ui/icons.tsx';
import { QueryCard } from '../../../components/ui/query-card.tsx';
import { Table, TBody, Td, Th, THead, Tr } from '../../../components/ui/table.tsx';
import { useToast } from '../../../components/ui/toast.tsx';
import type { ApiKey, CreatedApiKey, Role } from '../../../lib/api/types.ts';
import { cn } from '../../../lib/cn.ts';
import { dateTime, relativeTime } from '../../../lib/format.ts';
import { testIds } from '../../../lib/testids.ts';
import { useCan, useOrgId } from '../../auth/hooks/session.tsx';
import { settingsApi, settingsKeys } from '../api/settings-api.ts';
import { AdminOnly } from './admin-only.tsx';

export function ApiKeysSettings() {
  const canWrite = useCan('apikeys:write');
  if (!canWrite) return <AdminOnly what="API keys" />;
  return <ApiKeysManager />;
}

function ApiKeysManager() {
  const orgId = useOrgId();
  const queryClient = useQueryClient();
  const toast = useToast();
  const keys = useQuery({
    queryKey: settingsKeys.apiKeys(orgId),
    queryFn: ({ signal }) => settingsApi.apiKeys(orgId, signal),
  });
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [days, setDays] = useState('90');
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [deleting, setDeleting] = useState<ApiKey | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: settingsKeys.apiKeys(orgId) });
  const create = useMutation({
    mutationFn: () =>
      settingsApi.createApiKey(orgId, { name: name.trim(), role, expires_in_days: days ? Number(days) : undefined }),
    onSuccess: (key) => {
      setCreated(key);
      setName('');
      void refresh();
    },
  });
  const remove = useMutation({ mutationFn: (id: string) => settingsApi.deleteApiKey(orgId, id), onSuccess: refresh });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim()) create.mutate();
  };

  return (
    <div className="space-y-5">
      <Card
        title="Create an API key"
        description={
          'For CI pipelines and scripts: send it as Authorization: ' + 'Bearer <key>. It acts with the role you choose.'
        }
      >
        <form onSubmit={submit} className="grid items-start gap-3 md:grid-cols-[1fr_10rem_9rem_auto]">
          <Field label="Name">
            {(id) => (
              <Input
                id={id}
                value={name}
                onChange={(e) => setName(e.target.value)}
                placeholder="github-actions"
                data-testid={testIds.settings.apiKeyName}
              />
            )}
          </Field>
          <Field label="Role">
            {(id) => (
              <Select
                id={id}
                value={role}
                onChange={(e) => setRole(e.target.value as Role)}
                data-testid={testIds.settings.apiKeyRole}
              >
                {roles.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field label="Expires in (days)">
            {(id) => (
              <Input id={id} type="number" min={1} max={3650} value={days} onChange={(e) => setDays(e.target.value)} />
            )}
          </Field>
          <Button
            type="submit"
            variant="primary"
            className="md:mt-[1.375rem]"
            loading={create.isPending}
            disabled={!name.trim()}
            data-testid={testIds.settings.apiKeyCreate}
          >
            Create key
          </Button>
        </form>
        <div className="mt-3 space-y-3">
          <InlineError error={create.error} />
          {created && (
            <div
              className={cn(
                'rounded-xl border border-amber-300 bg-amber-50 p-3',
                'dark:border-amber-800 dark:bg-amber-950/30',
              )}
            >
              <p className="flex items-center gap-2 text-sm font-medium text-amber-900 dark:text-amber-200">
                <IconAlert size={15} /> Copy “{created.name}” now — it is not shown again.
              </p>
              <div className="mt-2 flex items-center gap-2 rounded-lg bg-white p-2 dark:bg-zinc-900">
                <code
                  className="min-w-0 flex-1 font-mono text-xs break-all"
                  data-testid={testIds.settings.apiKeyPlaintext}
                >
                  {created.key}
                </code>
                <CopyButton text={created.key} />
                <Button size="sm" variant="ghost" onClick={() => setCreated(null)}>
                  Hide
                </Button>
              </div>
            </div>
          )}
        </div>
      </Card>
      <QueryCard
        query={keys}
        title="API keys"
        empty={
          <EmptyState
            className="py-8"
            title="No API keys"
            description="Create one to automate deployments from CI or to script the fleet."
          />
        }
      >
        {(apiKeys) => (
          <Table>
            <THead>
              <tr>
                <Th>Name</Th>
                <Th>Key</Th>
                <Th>Role</Th>
                <Th>Last used</Th>
                <Th>Expires</Th>
                <Th className="w-24" />
              </tr>
            </THead>
            <TBody>
              {apiKeys.map((key) => (
                <Tr key={key.id} data-testid={testIds.settings.apiKeyRow} data-id={key.id} data-name={key.name}>
                  <Td className="font-medium">{key.name}</Td>
                  <Td className="font-mono text-xs text-zinc-500">{key.prefix}…</Td>
                  <Td>
                    <Badge tone="neutral">{key.role}</Badge>
                  </Td>
                  <Td className="text-xs text-zinc-500">
                    {key.last_used_at ? relativeTime(key.last_used_at) : 'never'}
                  </Td>
                  <Td className="text-xs text-zinc-500">{key.expires_at ? dateTime(key.expires_at) : 'never'}</Td>
                  <Td className="text-right">
                    <Button
                      size="sm"
                      variant="danger-ghost"
                      onClick={() => setDeleting(key)}
                      data-testid={testIds.settings.apiKeyDelete}
                    >
                      Delete
                    </Button>
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        )}
      </QueryCard>
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete API key “${deleting?.name ?? ''}”?`}
        body={<p>Anything using it gets 401 from the next request.</p>}
        confirmLabel="Delete key"
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          if (deleting) await remove.mutateAsync(deleting.id);
          toast.success('API key deleted');
        }}
      />
    </div>
  );
}
