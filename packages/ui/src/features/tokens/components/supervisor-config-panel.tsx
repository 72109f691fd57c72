/** @jsxRuntime automatic */
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button.tsx';
import { Card } from '../../../components/ui/card.tsx';
import { CodeBlock } from '../../../components/ui/code-block.tsx';
import { ErrorState } from '../../../components/ui/error-state.tsx';
import { Field, Input, Select } from '../../../components/ui/form.tsx';
import { IconTerminal } from '../../../components/ui/icons.tsx';
import type { RegistrationToken } from '../../../lib/api/types.ts';
import { testIds } from '../../../lib/testids.ts';
import { useOrgId } from '../../auth/hooks/session.tsx';
import { tokenKeys, tokensApi } from '../api/tokens-api.ts';

/**
 * Generates an OpenTelemetry supervisor config that enrols with a registration token (zero-touch:
 * the supervisor's first OpAMP message enrols it, and it keeps presenting that token to reconnect).
 * The token itself is a placeholder — Flowgate never has the plaintext after creation. Only active
 * tokens are offered: an expired or used-up one lets its own gateways reconnect but enrols no new one.
 */
export function SupervisorConfigPanel({ tokens }: { tokens: RegistrationToken[] }) {
  const orgId = useOrgId();
  const [tokenId, setTokenId] = useState('');
  const [name, setName] = useState('');
  const [request, setRequest] = useState<{ tokenId: string; name: string } | null>(null);
  const chosen = tokenId || tokens[0]?.id || '';
  const config = useQuery({
    queryKey: tokenKeys.supervisor(orgId, request?.tokenId ?? '', request?.name ?? ''),
    queryFn: ({ signal }) => tokensApi.supervisorConfig(orgId, request?.tokenId ?? '', request?.name ?? '', signal),
    enabled: request !== null,
    staleTime: Infinity,
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (chosen) setRequest({ tokenId: chosen, name: name.trim() });
  };

  return (
    <Card
      title={
        <span id="supervisor" className="inline-flex items-center gap-2">
          <IconTerminal size={16} /> Supervisor config
        </span>
      }
      description={
        'Already run the OpenTelemetry Collector with opampsupervisor? Generate its config: ' +
        'it enrols on first connect (zero-touch) and sends the registration token on every connection. ' +
        'The token expiring or being used up does not disconnect it; revoking the token does.'
      }
      data-testid={testIds.tokens.supervisorPanel}
    >
      {tokens.length === 0 ? (
        <p className="text-sm text-zinc-500">
          Create an active registration token first; the supervisor config references it.
        </p>
      ) : (
        <div className="space-y-4">
          <form onSubmit={submit} className="grid items-end gap-3 sm:grid-cols-[1fr_1fr_auto]">
            <Field label="Registration token">
              {(id) => (
                <Select
                  id={id}
                  value={chosen}
                  onChange={(e) => setTokenId(e.target.value)}
                  data-testid={testIds.tokens.supervisorToken}
                >
                  {tokens.map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.name} ({t.prefix}…)
                    </option>
                  ))}
                </Select>
              )}
            </Field>
            <Field label="Gateway name (optional)">
              {(id) => (
                <Input
                  id={id}
                  value={name}
                  onChange={(e) => setName(e.target.value)}
                  placeholder="from host.name"
                  data-testid={testIds.tokens.supervisorName}
                />
              )}
            </Field>
            <Button
              type="submit"
              variant="primary"
              loading={config.isFetching}
              data-testid={testIds.tokens.supervisorGenerate}
            >
              Generate
            </Button>
          </form>
          {config.isError && <ErrorState compact error={config.error} />}
          {config.data && (
            <div className="space-y-3">
              <CodeBlock
                code={config.data.supervisor_yaml}
                filename="supervisor.yaml"
                title="supervisor.yaml"
                lineNumbers
                maxHeight="22rem"
                data-testid={testIds.tokens.supervisorYaml}
              />
              <CodeBlock code={config.data.command} title="Run it" data-testid={testIds.tokens.supervisorCommand} />
              <CodeBlock
                code={config.data.install_command}
                title="Simpler on a new host: the install script downloads, checks and starts the gateway"
                data-testid={testIds.gatewayInstall.supervisorInstall}
              />
              <p className="text-xs text-zinc-500">
                Replace the token placeholder with the plaintext you copied when the token was created.
              </p>
            </div>
          )}
        </div>
      )}
    </Card>
  );
}
