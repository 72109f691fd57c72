/** @jsxRuntime automatic */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button.tsx';
import { Card } from '../../../components/ui/card.tsx';
import { EmptyState } from '../../../components/ui/empty-state.tsx';
import { InlineError } from '../../../components/ui/error-state.tsx';
import { Field, Input } from '../../../components/ui/form.tsx';
import { QueryCard } from '../../../components/ui/query-card.tsx';
import { Table, TBody, Td, Th, THead, Tr } from '../../../components/ui/table.tsx';
import { useToast } from '../../../components/ui/toast.tsx';
import { dateTime } from '../../../lib/format.ts';
import { testIds } from '../../../lib/testids.ts';
import { useCan, useOrgId } from '../../auth/hooks/session.tsx';
import { settingsApi, settingsKeys } from '../api/settings-api.ts';
import { AdminOnly } from './admin-only.tsx';
import { DeleteSecretDialog } from './delete-secret-dialog.tsx';

const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export function SecretsSettings() {
  const canWrite = useCan('secrets:write');
  if (!canWrite) return <AdminOnly what="secrets" />;
  return <SecretsManager />;
}

function SecretsManager() {
  const orgId = useOrgId();
  const queryClient = useQueryClient();
  const toast = useToast();
  const secrets = useQuery({
    queryKey: settingsKeys.secrets(orgId),
    queryFn: ({ signal }) => settingsApi.secrets(orgId, signal),
  });
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const [deleting, setDeleting] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: settingsKeys.secrets(orgId) });
  const put = useMutation({ mutationFn: () => settingsApi.putSecret(orgId, name.trim(), value), onSuccess: refresh });
  const nameValid = NAME_PATTERN.test(name.trim());

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!nameValid || !value) return;
    const exists = secrets.data?.some((s) => s.name === name.trim());
    put.mutate(undefined, {
      onSuccess: () => {
        toast.success(
          exists ? `Secret ${name.trim()} updated` : `Secret ${name.trim()} added`,
          `Reference it in templates as \${secret:${name.trim()}}`,
        );
        setName('');
        setValue('');
      },
    });
  };

  return (
    <div className="space-y-5">
      <Card
        title="Add or replace a secret"
        description={
          'Values are encrypted at rest and never shown again. Templates reference them as ' +
          '${secret:NAME}; they are resolved only in the config sent to a gateway.'
        }
      >
        <form onSubmit={submit} className="grid items-start gap-3 md:grid-cols-[14rem_1fr_auto]">
          <Field
            label="Name"
            error={name && !nameValid ? 'Letters, digits and _; not starting with a digit' : undefined}
          >
            {(id) => (
              <Input
                id={id}
                value={name}
                onChange={(e) => setName(e.target.value)}
                className="font-mono"
                placeholder="DATADOG_API_KEY"
                autoComplete="off"
                data-testid={testIds.settings.secretName}
              />
            )}
          </Field>
          <Field label="Value">
            {(id) => (
              <Input
                id={id}
                type="password"
                value={value}
                onChange={(e) => setValue(e.target.value)}
                autoComplete="new-password"
                data-testid={testIds.settings.secretValue}
              />
            )}
          </Field>
          <Button
            type="submit"
            variant="primary"
            className="md:mt-[1.375rem]"
            loading={put.isPending}
            disabled={!nameValid || !value}
            data-testid={testIds.settings.secretSave}
          >
            Save secret
          </Button>
        </form>
        <div className="mt-3">
          <InlineError error={put.error} />
        </div>
      </Card>
      <QueryCard
        query={secrets}
        title="Secrets"
        empty={
          <EmptyState
            className="py-8"
            title="No secrets yet"
            description={
              'Keep API keys and passwords out of templates: ' + 'store them here and write ${secret:NAME} instead.'
            }
          />
        }
      >
        {(secretList) => (
          <Table>
            <THead>
              <tr>
                <Th>Name</Th>
                <Th>Reference</Th>
                <Th>Updated</Th>
                <Th className="w-24" />
              </tr>
            </THead>
            <TBody>
              {secretList.map((secret) => (
                <Tr key={secret.id} data-testid={testIds.settings.secretRow} data-name={secret.name}>
                  <Td className="font-mono text-xs font-medium">{secret.name}</Td>
                  <Td className="font-mono text-xs text-zinc-500">{`\${secret:${secret.name}}`}</Td>
                  <Td className="text-xs text-zinc-500">{dateTime(secret.updated_at)}</Td>
                  <Td className="text-right">
                    <Button
                      size="sm"
                      variant="danger-ghost"
                      onClick={() => setDeleting(secret.name)}
                      data-testid={testIds.settings.secretDelete}
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
      <DeleteSecretDialog name={deleting} onClose={() => setDeleting(null)} />
    </div>
  );
}
