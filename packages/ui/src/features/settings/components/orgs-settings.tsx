/** @jsxRuntime automatic */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Badge } from '../../../components/ui/badge.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Card } from '../../../components/ui/card.tsx';
import { InlineError } from '../../../components/ui/error-state.tsx';
import { Field, Input } from '../../../components/ui/form.tsx';
import { QueryCard } from '../../../components/ui/query-card.tsx';
import { Table, TBody, Td, Th, THead, Tr } from '../../../components/ui/table.tsx';
import { useToast } from '../../../components/ui/toast.tsx';
import { dateTime } from '../../../lib/format.ts';
import { testIds } from '../../../lib/testids.ts';
import { authKeys } from '../../auth/api/auth-api.ts';
import { useSession } from '../../auth/hooks/session.tsx';
import { settingsApi, settingsKeys } from '../api/settings-api.ts';

export function OrgsSettings() {
  const { orgId, setOrgId } = useSession();
  const queryClient = useQueryClient();
  const toast = useToast();
  const orgs = useQuery({ queryKey: settingsKeys.orgs(), queryFn: ({ signal }) => settingsApi.orgs(signal) });
  const [name, setName] = useState('');
  const create = useMutation({ mutationFn: () => settingsApi.createOrg({ name: name.trim() }) });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return;
    create.mutate(undefined, {
      onSuccess: async (org) => {
        setName('');
        await queryClient.invalidateQueries({ queryKey: authKeys.me() });
        await queryClient.invalidateQueries({ queryKey: settingsKeys.orgs() });
        toast.success(`Organization ${org.name} created`);
      },
    });
  };

  return (
    <div className="space-y-5">
      <Card
        title="Create an organization"
        description="Organizations isolate gateways, templates, tokens and people. You become its owner."
      >
        <form onSubmit={submit} className="flex items-start gap-3">
          <Field label="Name" className="flex-1">
            {(id) => (
              <Input
                id={id}
                value={name}
                maxLength={120}
                onChange={(e) => setName(e.target.value)}
                placeholder="Platform team"
                data-testid={testIds.settings.orgName}
              />
            )}
          </Field>
          <Button
            type="submit"
            variant="primary"
            className="mt-[1.375rem]"
            loading={create.isPending}
            disabled={!name.trim()}
            data-testid={testIds.settings.orgCreate}
          >
            Create
          </Button>
        </form>
        <div className="mt-3">
          <InlineError error={create.error} />
        </div>
      </Card>
      <QueryCard query={orgs} title="Your organizations">
        {(orgList) => (
          <Table>
            <THead>
              <tr>
                <Th>Name</Th>
                <Th>Slug</Th>
                <Th>Your role</Th>
                <Th>Created</Th>
                <Th className="w-28" />
              </tr>
            </THead>
            <TBody>
              {orgList.map((org) => (
                <Tr key={org.id}>
                  <Td className="font-medium">{org.name}</Td>
                  <Td className="font-mono text-xs text-zinc-500">{org.slug}</Td>
                  <Td>
                    {org.role ? <Badge tone="neutral">{org.role}</Badge> : <span className="text-zinc-400">—</span>}
                  </Td>
                  <Td className="text-xs text-zinc-500">{dateTime(org.created_at)}</Td>
                  <Td className="text-right">
                    {org.id === orgId ? (
                      <Badge tone="accent">Current</Badge>
                    ) : (
                      org.role && (
                        <Button size="sm" onClick={() => setOrgId(org.id)}>
                          Switch
                        </Button>
                      )
                    )}
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        )}
      </QueryCard>
    </div>
  );
}
