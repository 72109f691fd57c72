/** @jsxRuntime automatic */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button.tsx';
import { CopyButton } from '../../../components/ui/copy-button.tsx';
import { Dialog } from '../../../components/ui/dialog.tsx';
import { InlineError } from '../../../components/ui/error-state.tsx';
import { Field, Input } from '../../../components/ui/form.tsx';
import { IconAlert } from '../../../components/ui/icons.tsx';
import { problemFor } from '../../../lib/api/api-error.ts';
import type { CreatedRegistrationToken } from '../../../lib/api/types.ts';
import { cn } from '../../../lib/cn.ts';
import { dateTime } from '../../../lib/format.ts';
import { testIds } from '../../../lib/testids.ts';
import { useOrgId } from '../../auth/hooks/session.tsx';
import { InstallCommand } from '../../gateway-install/components/install-command.tsx';
import { tokenKeys, tokensApi } from '../api/tokens-api.ts';

/** Create a registration token; the plaintext and the start command are shown once, right here. */
export function CreateTokenDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const orgId = useOrgId();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [days, setDays] = useState('30');
  const [maxUses, setMaxUses] = useState('');
  const [created, setCreated] = useState<CreatedRegistrationToken | null>(null);
  const create = useMutation({
    mutationFn: () =>
      tokensApi.create(orgId, {
        name: name.trim(),
        expires_in_days: days ? Number(days) : undefined,
        max_uses: maxUses ? Number(maxUses) : undefined,
      }),
    onSuccess: (token) => {
      setCreated(token);
      void queryClient.invalidateQueries({ queryKey: tokenKeys.all(orgId) });
    },
  });

  const close = () => {
    setCreated(null);
    setName('');
    setMaxUses('');
    create.reset();
    onClose();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim()) create.mutate();
  };

  if (created) {
    const upTo = created.max_uses ? ` · up to ${created.max_uses} gateways` : '';
    return (
      <Dialog
        open={open}
        onClose={close}
        size="lg"
        title="Registration token created"
        description={`${created.name} · expires ${dateTime(created.expires_at)}${upTo}`}
        footer={
          <Button variant="primary" onClick={close}>
            Done
          </Button>
        }
      >
        <div className="space-y-4">
          <div
            className={cn(
              'flex gap-2 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900',
              'dark:bg-amber-950/40 dark:text-amber-200',
            )}
          >
            <IconAlert size={16} className="mt-0.5 shrink-0" />
            Copy the token now. Flowgate stores only its hash and cannot show it again.
          </div>
          <div>
            <p className="mb-1.5 text-xs font-medium text-zinc-600 dark:text-zinc-400">Token</p>
            <div className="flex items-center gap-2 rounded-lg bg-zinc-100 p-2 dark:bg-zinc-800">
              <code className="min-w-0 flex-1 font-mono text-xs break-all" data-testid={testIds.tokens.plaintext}>
                {created.token}
              </code>
              <CopyButton text={created.token} />
            </div>
          </div>
          <div>
            <p className="mb-1.5 text-xs font-medium text-zinc-600 dark:text-zinc-400">
              Install a gateway with it on any Linux host
            </p>
            <InstallCommand token={created.token} testId={testIds.tokens.command} showOptions={false} />
            <p className="mt-2 text-xs text-zinc-500">
              The gateway enrols, receives its own OpAMP token, and appears on the Agents page within seconds. It keeps
              working when this token expires, is used up or is revoked. Run the same command on every host you want to
              enrol.
            </p>
          </div>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog
      open={open}
      onClose={close}
      title="New registration token"
      description={
        'Gateways present it to enrol into this organization: the onboarding script once, ' +
        'in exchange for their own OpAMP token; a zero-touch supervisor on every connection.'
      }
      footer={
        <>
          <Button onClick={close}>Cancel</Button>
          <Button
            type="submit"
            form="create-token"
            variant="primary"
            loading={create.isPending}
            disabled={!name.trim()}
            data-testid={testIds.tokens.createSubmit}
          >
            Create token
          </Button>
        </>
      }
    >
      <form id="create-token" onSubmit={submit} className="space-y-4">
        <Field
          label="Name"
          hint="Where it will be used, e.g. “eu-west k8s cluster”."
          error={problemFor(create.error, 'name')}
        >
          {(id) => (
            <Input
              id={id}
              autoFocus
              required
              maxLength={120}
              value={name}
              onChange={(e) => setName(e.target.value)}
              data-testid={testIds.tokens.createName}
            />
          )}
        </Field>
        <div className="grid grid-cols-2 gap-4">
          <Field
            label="Expires in (days)"
            hint="Then it enrols no new gateways; those it enrolled keep connecting."
            error={problemFor(create.error, 'expires_in_days')}
          >
            {(id) => (
              <Input
                id={id}
                type="number"
                min={1}
                max={3650}
                value={days}
                onChange={(e) => setDays(e.target.value)}
                data-testid={testIds.tokens.createExpires}
              />
            )}
          </Field>
          <Field
            label="Max gateways"
            hint="Empty: unlimited. Once reached it enrols no new ones; those enrolled keep connecting."
            error={problemFor(create.error, 'max_uses')}
          >
            {(id) => (
              <Input
                id={id}
                type="number"
                min={1}
                value={maxUses}
                onChange={(e) => setMaxUses(e.target.value)}
                data-testid={testIds.tokens.createMaxUses}
              />
            )}
          </Field>
        </div>
        <InlineError error={create.error} />
        <button type="submit" hidden />
      </form>
    </Dialog>
  );
}
