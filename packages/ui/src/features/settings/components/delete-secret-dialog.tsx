/** @jsxRuntime automatic */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Badge } from '../../../components/ui/badge.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Dialog } from '../../../components/ui/dialog.tsx';
import { InlineError } from '../../../components/ui/error-state.tsx';
import { IconAlert } from '../../../components/ui/icons.tsx';
import { useToast } from '../../../components/ui/toast.tsx';
import type { SecretInUseDetails } from '../../../lib/api/types.ts';
import { cn } from '../../../lib/cn.ts';
import { testIds } from '../../../lib/testids.ts';
import { useOrgId } from '../../auth/hooks/session.tsx';
import { settingsApi, settingsKeys } from '../api/settings-api.ts';
import { forceDeleteWarning, secretInUse, secretReferencePath, unlistedReferences } from './secret-in-use.ts';

/**
 * Deletes a secret. The server refuses (409 SECRET_IN_USE) while a gateway configuration or a live
 * template version references it; the dialog then lists them and offers to delete anyway.
 */
export function DeleteSecretDialog({ name, onClose }: { name: string | null; onClose: () => void }) {
  const orgId = useOrgId();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [inUse, setInUse] = useState<SecretInUseDetails | null>(null);
  const remove = useMutation({
    mutationFn: (request: { name: string; force: boolean }) =>
      settingsApi.deleteSecret(orgId, request.name, { force: request.force }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: settingsKeys.secrets(orgId) }),
  });

  const close = () => {
    setInUse(null);
    remove.reset();
    onClose();
  };
  const run = (force: boolean) => {
    if (!name) return;
    remove.mutate(
      { name, force },
      {
        onSuccess: () => {
          toast.success(
            `Secret ${name} deleted`,
            force
              ? `Add a secret named ${name} again before the gateways that use it can receive that configuration.`
              : undefined,
          );
          close();
        },
        onError: (error) => {
          const details = secretInUse(error);
          if (details) setInUse(details);
        },
      },
    );
  };
  // A refusal for being in use is shown as the list; any other failure as the server's error.
  const otherError = remove.error && !secretInUse(remove.error) ? remove.error : null;
  const pendingForce = remove.isPending && remove.variables?.force === true;
  const pendingPlain = remove.isPending && remove.variables?.force === false;

  return (
    <Dialog
      open={name !== null}
      onClose={close}
      title={`Delete secret ${name ?? ''}?`}
      size={inUse ? 'md' : 'sm'}
      footer={
        <>
          <Button onClick={close} data-testid={testIds.dialog.cancel}>
            Cancel
          </Button>
          {inUse ? (
            <>
              <Button
                loading={pendingPlain}
                disabled={remove.isPending}
                onClick={() => run(false)}
                data-testid={testIds.settings.secretDeleteRetry}
              >
                Check again
              </Button>
              <Button
                variant="danger"
                loading={pendingForce}
                disabled={remove.isPending}
                onClick={() => run(true)}
                data-testid={testIds.settings.secretDeleteAnyway}
              >
                Delete anyway
              </Button>
            </>
          ) : (
            <Button
              variant="danger"
              autoFocus
              loading={pendingPlain}
              disabled={remove.isPending}
              onClick={() => run(false)}
              data-testid={testIds.dialog.confirm}
            >
              Delete secret
            </Button>
          )}
        </>
      }
    >
      <div className="space-y-3 text-sm text-zinc-600 dark:text-zinc-300">
        {inUse && name ? (
          <SecretInUseNotice name={name} details={inUse} />
        ) : (
          <p>
            If a gateway’s configuration or a template’s latest or deployed version still references{' '}
            <code className="font-mono text-xs">{`\${secret:${name ?? ''}}`}</code>, nothing is deleted: you see what
            uses it first.
          </p>
        )}
        <InlineError error={otherError} />
      </div>
    </Dialog>
  );
}

/** What references the secret (links to each gateway and template), and what deleting it anyway breaks. */
export function SecretInUseNotice({ name, details }: { name: string; details: SecretInUseDetails }) {
  const more = unlistedReferences(details);
  return (
    <div className="space-y-3" data-testid={testIds.settings.secretInUse} data-total={details.total}>
      <p>
        Nothing was deleted: <code className="font-mono text-xs">{`\${secret:${name}}`}</code> is still referenced by
      </p>
      <ul
        className={cn(
          'divide-y divide-zinc-100 rounded-lg border border-zinc-200',
          'dark:divide-zinc-800 dark:border-zinc-800',
        )}
      >
        {details.used_by.map((ref) => (
          <li
            key={`${ref.kind}:${ref.id}`}
            className="flex items-center gap-2 px-3 py-1.5"
            data-testid={testIds.settings.secretInUseRef}
            data-kind={ref.kind}
            data-id={ref.id}
            data-name={ref.name}
          >
            <Badge tone={ref.kind === 'gateway' ? 'info' : 'neutral'}>
              {ref.kind === 'gateway' ? 'Gateway' : 'Template'}
            </Badge>
            <Link
              to={secretReferencePath(ref)}
              className="min-w-0 truncate font-medium text-accent-600 hover:underline dark:text-accent-400"
            >
              {ref.name}
            </Link>
          </li>
        ))}
        {more > 0 && (
          <li className="px-3 py-1.5 text-zinc-500" data-testid={testIds.settings.secretInUseMore}>
            and {more} more
          </li>
        )}
      </ul>
      <div
        className={cn(
          'flex gap-2 rounded-lg bg-amber-50 px-3 py-2 text-amber-900',
          'dark:bg-amber-950/40 dark:text-amber-200',
        )}
      >
        <IconAlert size={16} className="mt-0.5 shrink-0" />
        <p>{forceDeleteWarning(name, details)}</p>
      </div>
    </div>
  );
}
