/** @jsxRuntime automatic */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Badge, type Tone } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { ConfirmDialog } from '../../components/ui/confirm-dialog.tsx';
import { EmptyState } from '../../components/ui/empty-state.tsx';
import { IconKey, IconPlus } from '../../components/ui/icons.tsx';
import { PageHeader } from '../../components/ui/page-header.tsx';
import { QueryCard } from '../../components/ui/query-card.tsx';
import { Table, TBody, Td, Th, THead, Tr } from '../../components/ui/table.tsx';
import { useToast } from '../../components/ui/toast.tsx';
import type { RegistrationToken } from '../../lib/api/types.ts';
import { dateTime, relativeTime } from '../../lib/format.ts';
import { testIds } from '../../lib/testids.ts';
import { useCan, useOrgId } from '../auth/hooks/session.tsx';
import { tokenKeys, tokensApi } from './api/tokens-api.ts';
import { CreateTokenDialog } from './components/create-token-dialog.tsx';
import { SupervisorConfigPanel } from './components/supervisor-config-panel.tsx';
import { revokeTokenConsequences, tokenState, tokenStateHint, type TokenState } from './components/token-state.ts';

const stateTone: Record<TokenState, Tone> = {
  active: 'success',
  revoked: 'muted',
  expired: 'warning',
  used_up: 'neutral',
};
const stateLabel: Record<TokenState, string> = {
  active: 'Active',
  revoked: 'Revoked',
  expired: 'Expired',
  used_up: 'Used up',
};

export function TokensPage() {
  const orgId = useOrgId();
  const canWrite = useCan('tokens:write');
  const queryClient = useQueryClient();
  const toast = useToast();
  const [params, setParams] = useSearchParams();
  const [creating, setCreating] = useState(params.get('create') === '1' && canWrite);
  const [revoking, setRevoking] = useState<RegistrationToken | null>(null);
  const tokens = useQuery({ queryKey: tokenKeys.list(orgId), queryFn: ({ signal }) => tokensApi.list(orgId, signal) });
  const revoke = useMutation({
    mutationFn: (id: string) => tokensApi.revoke(orgId, id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokenKeys.all(orgId) }),
  });

  const createButton = canWrite && (
    <Button
      variant="primary"
      icon={<IconPlus size={15} />}
      onClick={() => setCreating(true)}
      data-testid={testIds.tokens.create}
    >
      New token
    </Button>
  );
  const list = [...(tokens.data ?? [])].sort((a, b) => b.created_at.localeCompare(a.created_at));
  const active = list.filter((t) => tokenState(t) === 'active');

  return (
    <div data-testid={testIds.tokens.page} className="space-y-5">
      <PageHeader
        title="Registration tokens"
        description={
          'Tokens let new gateways enrol themselves. ' +
          'A gateway installed with the install script gets its own revocable OpAMP token; ' +
          'a gateway enrolled zero-touch (supervisor config) keeps connecting with the registration token, ' +
          'so revoking the token cuts it off.'
        }
        actions={createButton}
      />
      <QueryCard
        query={tokens}
        retry
        empty={
          <EmptyState
            icon={<IconKey size={20} />}
            title="No registration tokens"
            description={
              'Create one, then start a gateway with it. ' + 'The token is shown once, with the exact command to run.'
            }
            actions={createButton}
          />
        }
      >
        {() => (
          <Table data-testid={testIds.tokens.table}>
            <THead>
              <tr>
                <Th>Name</Th>
                <Th>Token</Th>
                <Th>State</Th>
                <Th>Gateways enrolled</Th>
                <Th>Expires</Th>
                <Th>Created</Th>
                {canWrite && <Th className="w-24" />}
              </tr>
            </THead>
            <TBody>
              {list.map((token) => {
                const state = tokenState(token);
                const hint = tokenStateHint(state);
                return (
                  <Tr
                    key={token.id}
                    data-testid={testIds.tokens.row}
                    data-id={token.id}
                    data-name={token.name}
                    data-status={state}
                  >
                    <Td className="font-medium">{token.name}</Td>
                    <Td className="font-mono text-xs text-zinc-500">{token.prefix}…</Td>
                    <Td title={hint?.detail}>
                      <Badge tone={stateTone[state]} dot>
                        {stateLabel[state]}
                      </Badge>
                      {hint?.short && (
                        <span className="mt-0.5 block text-[11px] text-zinc-500 dark:text-zinc-400">{hint.short}</span>
                      )}
                    </Td>
                    <Td className="tabular-nums">
                      {token.uses}
                      {token.max_uses !== null && <span className="text-zinc-400"> / {token.max_uses}</span>}
                    </Td>
                    <Td className="text-xs text-zinc-500" title={dateTime(token.expires_at)}>
                      {token.expires_at ? relativeTime(token.expires_at) : 'never'}
                    </Td>
                    <Td className="text-xs text-zinc-500">{dateTime(token.created_at)}</Td>
                    {canWrite && (
                      <Td className="text-right">
                        {token.is_active && (
                          <Button
                            size="sm"
                            variant="danger-ghost"
                            onClick={() => setRevoking(token)}
                            data-testid={testIds.tokens.revoke}
                          >
                            Revoke
                          </Button>
                        )}
                      </Td>
                    )}
                  </Tr>
                );
              })}
            </TBody>
          </Table>
        )}
      </QueryCard>
      <SupervisorConfigPanel tokens={active} />
      <CreateTokenDialog
        open={creating}
        onClose={() => {
          setCreating(false);
          if (params.has('create')) setParams({}, { replace: true });
        }}
      />
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke “${revoking?.name ?? ''}”?`}
        body={
          <>
            {revokeTokenConsequences(revoking ? tokenState(revoking) : 'active').map((sentence) => (
              <p key={sentence}>{sentence}</p>
            ))}
          </>
        }
        confirmLabel="Revoke token"
        onClose={() => setRevoking(null)}
        onConfirm={async () => {
          if (!revoking) return;
          await revoke.mutateAsync(revoking.id);
          toast.success('Token revoked');
        }}
      />
    </div>
  );
}
