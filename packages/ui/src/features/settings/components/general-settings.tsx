/** @jsxRuntime automatic */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button.tsx';
import { Card } from '../../../components/ui/card.tsx';
import { ErrorState, InlineError } from '../../../components/ui/error-state.tsx';
import { Field, Input, Textarea } from '../../../components/ui/form.tsx';
import { PageLoading } from '../../../components/ui/spinner.tsx';
import { useToast } from '../../../components/ui/toast.tsx';
import { problemFor } from '../../../lib/api/api-error.ts';
import type { OrgSettings } from '../../../lib/api/types.ts';
import { testIds } from '../../../lib/testids.ts';
import { useCan, useOrgId } from '../../auth/hooks/session.tsx';
import { settingsApi, settingsKeys } from '../api/settings-api.ts';

type NumberField = Exclude<keyof OrgSettings, 'base_config_yaml' | 'prices' | 'log_ai'>;

const numberFields: { key: NumberField; label: string; hint: string; min: number; max: number }[] = [
  {
    key: 'default_heartbeat_seconds',
    label: 'Heartbeat interval (s)',
    hint: 'How often HTTP agents poll; WebSocket agents stay connected.',
    min: 5,
    max: 3600,
  },
  {
    key: 'registration_token_default_days',
    label: 'Registration token lifetime (days)',
    hint: 'Default for new tokens. An expired token enrols no new gateways; those it enrolled keep connecting.',
    min: 1,
    max: 3650,
  },
  {
    key: 'opamp_token_days',
    label: 'Gateway token lifetime (days)',
    hint:
      'OpAMP tokens issued when the onboarding script enrols a ' +
      'gateway, and at rotation. Zero-touch gateways get none.',
    min: 1,
    max: 3650,
  },
  {
    key: 'deployment_default_soak_seconds',
    label: 'Default canary soak (s)',
    hint: 'How long a batch stays healthy before the next.',
    min: 0,
    max: 86400,
  },
];

export function GeneralSettings() {
  const orgId = useOrgId();
  const canWrite = useCan('settings:write');
  const toast = useToast();
  const queryClient = useQueryClient();
  const settings = useQuery({
    queryKey: settingsKeys.settings(orgId),
    queryFn: ({ signal }) => settingsApi.get(orgId, signal),
  });
  const [form, setForm] = useState<OrgSettings | null>(null);
  const save = useMutation({
    mutationFn: (body: OrgSettings) => settingsApi.update(orgId, body),
    onSuccess: (updated) => {
      queryClient.setQueryData(settingsKeys.settings(orgId), updated);
      toast.success('Settings saved');
    },
  });

  useEffect(() => {
    if (settings.data) setForm(settings.data);
  }, [settings.data]);

  if (settings.isPending || (!form && !settings.isError)) return <PageLoading />;
  if (settings.isError || !form) return <ErrorState error={settings.error} onRetry={() => void settings.refetch()} />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ ...form, base_config_yaml: form.base_config_yaml?.trim() ? form.base_config_yaml : null });
  };

  return (
    <form onSubmit={submit} data-testid={testIds.settings.generalForm}>
      <Card
        title="Organization defaults"
        actions={
          canWrite && (
            <Button
              type="submit"
              variant="primary"
              size="sm"
              loading={save.isPending}
              data-testid={testIds.settings.generalSave}
            >
              Save settings
            </Button>
          )
        }
      >
        <fieldset disabled={!canWrite} className="space-y-5">
          <div className="grid gap-4 md:grid-cols-2">
            {numberFields.map((f) => (
              <Field key={f.key} label={f.label} hint={f.hint} error={problemFor(save.error, f.key)}>
                {(id) => (
                  <Input
                    id={id}
                    type="number"
                    min={f.min}
                    max={f.max}
                    value={form[f.key]}
                    onChange={(e) => setForm({ ...form, [f.key]: Number(e.target.value) })}
                  />
                )}
              </Field>
            ))}
          </div>
          <Field
            label="Base collector configuration"
            hint="Served to gateways that have no deployment yet. Leave empty to use the built-in default."
            error={problemFor(save.error, 'base_config_yaml')}
          >
            {(id) => (
              <Textarea
                id={id}
                rows={10}
                className="font-mono text-xs"
                spellCheck={false}
                value={form.base_config_yaml ?? ''}
                onChange={(e) => setForm({ ...form, base_config_yaml: e.target.value })}
                placeholder="receivers: …"
              />
            )}
          </Field>
          <InlineError error={save.error} />
        </fieldset>
      </Card>
    </form>
  );
}
