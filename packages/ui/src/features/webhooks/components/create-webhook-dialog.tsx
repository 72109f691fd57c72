/** @jsxRuntime automatic */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { WebhookFormat } from '@flowgate/config-model';
import { Button } from '../../../components/ui/button.tsx';
import { Dialog } from '../../../components/ui/dialog.tsx';
import { InlineError } from '../../../components/ui/error-state.tsx';
import { Checkbox, Field, Input, Segmented, Select } from '../../../components/ui/form.tsx';
import { problemFor } from '../../../lib/api/api-error.ts';
import { testIds } from '../../../lib/testids.ts';
import { useOrgId } from '../../auth/hooks/session.tsx';
import { settingsApi, settingsKeys } from '../../settings/api/settings-api.ts';
import { webhookKeys, webhooksApi, type CreateWebhookBody, type WebhookWithSecret } from '../api/webhooks-api.ts';
import { SecretOnce } from './secret-once.tsx';

/** The event choices offered; any type or family can also be set through the API. */
export const EVENT_CHOICES: { pattern: string; label: string; hint: string }[] = [
  {
    pattern: 'deployment.failed',
    label: 'Failed rollouts',
    hint: 'a gateway failed, became unhealthy or its data stopped',
  },
  {
    pattern: 'deployment.*',
    label: 'Every rollout change',
    hint: 'created, batch done, paused, completed, rolled back…',
  },
  { pattern: 'alert.*', label: 'Alerts', hint: 'your alert rules firing and resolving' },
  { pattern: 'gateway.*', label: 'Gateways', hint: 'connected, disconnected, configuration rejected' },
  { pattern: 'template.*', label: 'Templates', hint: 'created, new versions' },
];

const FORMATS: { value: WebhookFormat; label: string }[] = [
  { value: 'json', label: 'JSON' },
  { value: 'slack', label: 'Slack' },
  { value: 'jira', label: 'Jira' },
  { value: 'github', label: 'GitHub' },
];

const URL_HINT: Record<WebhookFormat, string> = {
  json: 'Your endpoint. Each delivery is signed: x-flowgate-signature = sha256 HMAC of the body.',
  slack: 'The Slack incoming-webhook URL (https://hooks.slack.com/services/…). It is stored encrypted.',
  jira: 'Your Jira site, e.g. https://acme.atlassian.net — an issue is created for each event.',
  github: 'The GitHub API: https://api.github.com (or https://github.example.com/api/v3).',
};

export function CreateWebhookDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const orgId = useOrgId();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [format, setFormat] = useState<WebhookFormat>('json');
  const [events, setEvents] = useState<string[]>(['deployment.failed']);
  const [project, setProject] = useState('');
  const [email, setEmail] = useState('');
  const [repository, setRepository] = useState('');
  const [tokenSecret, setTokenSecret] = useState('');
  const [created, setCreated] = useState<WebhookWithSecret | null>(null);
  const connector = format === 'jira' || format === 'github';
  const secrets = useQuery({
    queryKey: settingsKeys.secrets(orgId),
    queryFn: ({ signal }) => settingsApi.secrets(orgId, signal),
    enabled: open && connector,
  });
  const create = useMutation({
    mutationFn: () => {
      const body: CreateWebhookBody = { name: name.trim() || undefined, url: url.trim(), events, format };
      if (format === 'jira')
        body.jira = {
          project_key: project.trim(),
          token_secret: tokenSecret,
          ...(email.trim() ? { email: email.trim() } : {}),
        };
      if (format === 'github') body.github = { repository: repository.trim(), token_secret: tokenSecret };
      return webhooksApi.create(orgId, body);
    },
    onSuccess: (w) => {
      setCreated(w);
      void queryClient.invalidateQueries({ queryKey: webhookKeys.all(orgId) });
    },
  });

  const close = () => {
    setCreated(null);
    setName('');
    setUrl('');
    create.reset();
    onClose();
  };
  const toggle = (pattern: string, on: boolean) =>
    setEvents((list) => (on ? [...list, pattern] : list.filter((p) => p !== pattern)));
  const ready =
    url.trim() && events.length > 0 && (!connector || (tokenSecret && (format === 'jira' ? project : repository)));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (ready) create.mutate();
  };

  if (created)
    return (
      <Dialog
        open={open}
        onClose={close}
        size="lg"
        title="Webhook created"
        description={`${created.name} · ${created.url}`}
        footer={
          <Button variant="primary" onClick={close} data-testid={testIds.webhooks.secretDone}>
            Done
          </Button>
        }
      >
        <SecretOnce secret={created.secret} format={created.format} />
      </Dialog>
    );

  return (
    <Dialog
      open={open}
      onClose={close}
      size="lg"
      title="New webhook"
      description="Where Flowgate tells people and tools what happened: signed JSON, a Slack message, or a Jira / GitHub issue."
      footer={
        <>
          <Button onClick={close}>Cancel</Button>
          <Button
            type="submit"
            form="create-webhook"
            variant="primary"
            loading={create.isPending}
            disabled={!ready}
            data-testid={testIds.webhooks.createSubmit}
          >
            Create webhook
          </Button>
        </>
      }
    >
      <form id="create-webhook" onSubmit={submit} className="space-y-4">
        <Segmented
          label="Format"
          value={format}
          onChange={setFormat}
          options={FORMATS.map((f) => ({ ...f, testId: `webhooks-format-${f.value}` }))}
        />
        <div className="grid gap-4 md:grid-cols-[1fr_2fr]">
          <Field label="Name" hint="Optional; unique in the organization.">
            {(id) => (
              <Input
                id={id}
                value={name}
                maxLength={100}
                onChange={(e) => setName(e.target.value)}
                data-testid={testIds.webhooks.createName}
              />
            )}
          </Field>
          <Field label="URL" hint={URL_HINT[format]} error={problemFor(create.error, 'url')}>
            {(id) => (
              <Input
                id={id}
                required
                value={url}
                onChange={(e) => setUrl(e.target.value)}
                className="font-mono"
                placeholder={format === 'github' ? 'https://api.github.com' : 'https://'}
                data-testid={testIds.webhooks.createUrl}
              />
            )}
          </Field>
        </div>
        {connector && (
          <div className="grid gap-4 md:grid-cols-3">
            {format === 'jira' ? (
              <>
                <Field label="Project key">
                  {(id) => (
                    <Input
                      id={id}
                      value={project}
                      onChange={(e) => setProject(e.target.value.toUpperCase())}
                      placeholder="OPS"
                      data-testid={testIds.webhooks.jiraProject}
                    />
                  )}
                </Field>
                <Field label="Account email" hint="Jira Cloud (API token). Empty: a Server/DC personal access token.">
                  {(id) => (
                    <Input
                      id={id}
                      value={email}
                      onChange={(e) => setEmail(e.target.value)}
                      data-testid={testIds.webhooks.jiraEmail}
                    />
                  )}
                </Field>
              </>
            ) : (
              <Field label="Repository" className="md:col-span-2">
                {(id) => (
                  <Input
                    id={id}
                    value={repository}
                    onChange={(e) => setRepository(e.target.value)}
                    placeholder="acme/observability"
                    data-testid={testIds.webhooks.githubRepository}
                  />
                )}
              </Field>
            )}
            <Field label="API token" hint="A Flowgate secret (Settings → Secrets).">
              {(id) => (
                <Select
                  id={id}
                  value={tokenSecret}
                  onChange={(e) => setTokenSecret(e.target.value)}
                  data-testid={testIds.webhooks.tokenSecret}
                >
                  <option value="">Choose a secret…</option>
                  {(secrets.data ?? []).map((s) => (
                    <option key={s.name} value={s.name}>
                      {s.name}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
          </div>
        )}
        <fieldset className="space-y-2">
          <legend className="mb-1 text-xs font-medium text-zinc-700 dark:text-zinc-300">Events</legend>
          {EVENT_CHOICES.map((c) => (
            <div
              key={c.pattern}
              className="flex items-baseline gap-2"
              data-testid={testIds.webhooks.createEvent}
              data-pattern={c.pattern}
            >
              <Checkbox
                label={c.label}
                checked={events.includes(c.pattern)}
                onChange={(e) => toggle(c.pattern, e.target.checked)}
              />
              <span className="text-xs text-zinc-500 dark:text-zinc-400">
                <code className="font-mono">{c.pattern}</code> · {c.hint}
              </span>
            </div>
          ))}
        </fieldset>
        <div data-testid={testIds.webhooks.createError}>
          <InlineError error={create.error} />
        </div>
        <button type="submit" hidden />
      </form>
    </Dialog>
  );
}
