/** @jsxRuntime automatic */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { roles } from '@flowgate/config-model';
import { Badge } from '../../../components/ui/badge.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Card } from '../../../components/ui/card.tsx';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog.tsx';
import { InlineError } from '../../../components/ui/error-state.tsx';
import { Field, Input, Select } from '../../../components/ui/form.tsx';
import { QueryCard } from '../../../components/ui/query-card.tsx';
import { Table, TBody, Td, Th, THead, Tr } from '../../../components/ui/table.tsx';
import { useToast } from '../../../components/ui/toast.tsx';
import type { Member, Role } from '../../../lib/api/types.ts';
import { dateTime } from '../../../lib/format.ts';
import { testIds } from '../../../lib/testids.ts';
import { useCan, useOrgId, useSession } from '../../auth/hooks/session.tsx';
import { settingsApi, settingsKeys } from '../api/settings-api.ts';

const roleDescriptions: Record<Role, string> = {
  owner: 'Everything, including removing the organization’s other owners',
  admin: 'Also members, API keys, secrets, settings, registration tokens and gateway tokens',
  editor: 'Edit templates, deploy, rename, tag and restart gateways',
  viewer: 'Read-only access to everything',
};

export function MembersSettings() {
  const orgId = useOrgId();
  const { user } = useSession();
  const canWrite = useCan('members:write');
  const queryClient = useQueryClient();
  const toast = useToast();
  const members = useQuery({
    queryKey: settingsKeys.members(orgId),
    queryFn: ({ signal }) => settingsApi.members(orgId, signal),
  });
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('editor');
  const [removing, setRemoving] = useState<Member | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: settingsKeys.members(orgId) });
  const add = useMutation({
    mutationFn: () => settingsApi.addMember(orgId, { email: email.trim(), role }),
    onSuccess: refresh,
  });
  const changeRole = useMutation({
    mutationFn: (m: { userId: string; role: Role }) =>
      settingsApi.addMember(orgId, { user_id: m.userId, role: m.role }),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (userId: string) => settingsApi.removeMember(orgId, userId),
    onSuccess: refresh,
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!email.trim()) return;
    add.mutate(undefined, {
      onSuccess: () => {
        toast.success(`${email.trim()} added as ${role}`);
        setEmail('');
      },
    });
  };

  return (
    <div className="space-y-5">
      {canWrite && (
        <Card
          title="Add a member"
          description="The person needs a Flowgate account; an instance admin can create one below."
        >
          <form onSubmit={submit} className="grid items-start gap-3 md:grid-cols-[1fr_12rem_auto]">
            <Field label="Email">
              {(id) => (
                <Input
                  id={id}
                  type="email"
                  value={email}
                  onChange={(e) => setEmail(e.target.value)}
                  placeholder="teammate@example.com"
                  data-testid={testIds.settings.memberEmail}
                />
              )}
            </Field>
            <Field label="Role" hint={roleDescriptions[role]}>
              {(id) => (
                <Select
                  id={id}
                  value={role}
                  onChange={(e) => setRole(e.target.value as Role)}
                  data-testid={testIds.settings.memberRole}
                >
                  {roles.map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
            <Button
              type="submit"
              variant="primary"
              className="md:mt-[1.375rem]"
              loading={add.isPending}
              disabled={!email.trim()}
              data-testid={testIds.settings.memberAdd}
            >
              Add member
            </Button>
          </form>
          <div className="mt-3">
            <InlineError error={add.error} />
          </div>
        </Card>
      )}
      <QueryCard query={members} title="Members">
        {(memberList) => (
          <Table>
            <THead>
              <tr>
                <Th>Member</Th>
                <Th>Role</Th>
                <Th>Since</Th>
                {canWrite && <Th className="w-24" />}
              </tr>
            </THead>
            <TBody>
              {memberList.map((member) => (
                <Tr
                  key={member.user_id}
                  data-testid={testIds.settings.memberRow}
                  data-id={member.user_id}
                  data-name={member.email}
                >
                  <Td>
                    <p className="font-medium">{member.name ?? member.email}</p>
                    {member.name && <p className="text-xs text-zinc-500">{member.email}</p>}
                  </Td>
                  <Td>
                    {canWrite && member.user_id !== user?.id ? (
                      <Select
                        aria-label={`Role of ${member.email}`}
                        className="h-8 w-32 text-xs"
                        value={member.role}
                        onChange={(e) =>
                          changeRole.mutate(
                            { userId: member.user_id, role: e.target.value as Role },
                            {
                              onSuccess: () => toast.success('Role changed'),
                              onError: (err) => toast.error(err, 'Role not changed'),
                            },
                          )
                        }
                      >
                        {roles.map((r) => (
                          <option key={r} value={r}>
                            {r}
                          </option>
                        ))}
                      </Select>
                    ) : (
                      <Badge tone={member.role === 'owner' ? 'accent' : 'neutral'}>{member.role}</Badge>
                    )}
                  </Td>
                  <Td className="text-xs text-zinc-500">{dateTime(member.created_at)}</Td>
                  {canWrite && (
                    <Td className="text-right">
                      {member.user_id !== user?.id && (
                        <Button
                          size="sm"
                          variant="danger-ghost"
                          onClick={() => setRemoving(member)}
                          data-testid={testIds.settings.memberRemove}
                        >
                          Remove
                        </Button>
                      )}
                    </Td>
                  )}
                </Tr>
              ))}
            </TBody>
          </Table>
        )}
      </QueryCard>
      {user?.is_instance_admin && <CreateUserCard />}
      <ConfirmDialog
        open={removing !== null}
        title={`Remove ${removing?.email ?? ''}?`}
        body={<p>They lose access to this organization immediately. Their account and other memberships stay.</p>}
        confirmLabel="Remove member"
        onClose={() => setRemoving(null)}
        onConfirm={async () => {
          if (removing) await remove.mutateAsync(removing.user_id);
          toast.success('Member removed');
        }}
      />
    </div>
  );
}

function CreateUserCard() {
  const toast = useToast();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const create = useMutation({
    mutationFn: () => settingsApi.createUser({ email: email.trim(), password, name: name.trim() || undefined }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(undefined, {
      onSuccess: (user) => {
        toast.success(`Account created for ${user.email}`, 'Add them to this organization above.');
        setEmail('');
        setName('');
        setPassword('');
      },
    });
  };
  return (
    <Card
      title="Create a user account"
      description="Instance admins only. Share the initial password through a safe channel."
    >
      <form onSubmit={submit} className="grid items-start gap-3 md:grid-cols-[1fr_1fr_1fr_auto]">
        <Field label="Email">
          {(id) => <Input id={id} type="email" value={email} onChange={(e) => setEmail(e.target.value)} />}
        </Field>
        <Field label="Name">{(id) => <Input id={id} value={name} onChange={(e) => setName(e.target.value)} />}</Field>
        <Field label="Initial password" hint="At least 8 characters">
          {(id) => (
            <Input
              id={id}
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <Button
          type="submit"
          className="md:mt-[1.375rem]"
          loading={create.isPending}
          disabled={!email.trim() || password.length < 8}
        >
          Create account
        </Button>
      </form>
      <div className="mt-3">
        <InlineError error={create.error} />
      </div>
    </Card>
  );
}
