/** @jsxRuntime automatic */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CreateUsageSourceBody, UsageSource } from '@flowgate/config-model';
import { useState, type ChangeEvent, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button.tsx';
import { Dialog } from '../../../components/ui/dialog.tsx';
import { InlineError } from '../../../components/ui/error-state.tsx';
import { Field, Input, Segmented, Textarea } from '../../../components/ui/form.tsx';
import { testIds } from '../../../lib/testids.ts';
import { useOrgId } from '../../auth/hooks/session.tsx';
import { usageApi, usageKeys } from '../api/usage-api.ts';

type Kind = CreateUsageSourceBody['kind'];
const KINDS: { value: Kind; label: string; hint: string }[] = [
  {
    value: 'grafana_dashboard',
    label: 'Dashboard',
    hint: 'Grafana dashboard JSON (classic or v2 schema, or an array of dashboards), as exported or from the API.',
  },
  {
    value: 'prometheus_rules',
    label: 'Rule file',
    hint: 'Prometheus / Mimir / Thanos rule file (groups:) or PrometheusRule resources; several YAML documents allowed.',
  },
  {
    value: 'grafana',
    label: 'Grafana',
    hint: 'A Grafana server: every dashboard is read through its API with a service-account token (Viewer role).',
  },
  {
    value: 'prometheus',
    label: 'Prometheus rules API',
    hint: 'Any server answering GET /api/v1/rules: Prometheus, Mimir (with its /prometheus prefix), Thanos, VictoriaMetrics.',
  },
];
const isUpload = (k: Kind) => k === 'grafana_dashboard' || k === 'prometheus_rules';

/** Add a usage source: an upload (file or pasted text) or a connector (URL + token secret). */
export function AddSourceDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (s: UsageSource) => void;
}) {
  const orgId = useOrgId();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<Kind>('grafana_dashboard');
  const [name, setName] = useState('');
  const [content, setContent] = useState('');
  const [url, setUrl] = useState('');
  const [tokenSecret, setTokenSecret] = useState('');
  const create = useMutation({
    mutationFn: () =>
      usageApi.create(
        orgId,
        isUpload(kind)
          ? { kind: kind as 'grafana_dashboard', name: name.trim(), content }
          : {
              kind: kind as 'grafana',
              name: name.trim(),
              url: url.trim(),
              token_secret: tokenSecret.trim() || undefined,
            },
      ),
    onSuccess: (source) => {
      void queryClient.invalidateQueries({ queryKey: usageKeys.all(orgId) });
      onCreated(source);
      close();
    },
  });
  const close = () => {
    setName('');
    setContent('');
    setUrl('');
    setTokenSecret('');
    create.reset();
    onClose();
  };
  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    setContent(await file.text());
    if (!name.trim()) setName(file.name.replace(/\.(json|ya?ml)$/i, ''));
  };
  const ready = name.trim() && (isUpload(kind) ? content.trim() : url.trim());
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (ready) create.mutate();
  };
  const current = KINDS.find((k) => k.value === kind)!;

  return (
    <Dialog
      open={open}
      onClose={close}
      size="lg"
      title="Add a usage source"
      description="Where Flowgate reads which metrics and labels your dashboards and rules use."
      footer={
        <>
          <Button onClick={close}>Cancel</Button>
          <Button
            variant="primary"
            type="submit"
            form="usage-source-form"
            disabled={!ready || create.isPending}
            data-testid={testIds.usage.dialogSubmit}
          >
            {create.isPending ? (isUpload(kind) ? 'Analysing…' : 'Connecting…') : 'Add source'}
          </Button>
        </>
      }
    >
      <form id="usage-source-form" onSubmit={submit} className="space-y-4">
        <div data-testid={testIds.usage.dialogKind}>
          <Segmented
            label="Kind of source"
            value={kind}
            onChange={(k) => {
              setKind(k);
              create.reset();
            }}
            options={KINDS.map((k) => ({
              value: k.value,
              label: k.label,
              testId: `${testIds.usage.dialogKind}-${k.value}`,
            }))}
          />
          <p className="mt-1.5 text-xs text-zinc-500 dark:text-zinc-400">{current.hint}</p>
        </div>
        <Field label="Name">
          {(id) => (
            <Input
              id={id}
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder={isUpload(kind) ? 'Node Exporter Full' : 'grafana-prod'}
              maxLength={120}
              data-testid={testIds.usage.dialogName}
            />
          )}
        </Field>
        {isUpload(kind) ? (
          <>
            <Field label="File" hint="Or paste the content below. Up to 16 MiB.">
              {(id) => (
                <input
                  id={id}
                  type="file"
                  accept={kind === 'grafana_dashboard' ? '.json,application/json' : '.yml,.yaml,text/yaml'}
                  onChange={(e) => void onFile(e)}
                  data-testid={testIds.usage.dialogFile}
                  className="block w-full text-sm text-zinc-600 file:mr-3 file:rounded-md file:border-0 file:bg-zinc-100 file:px-3 file:py-1.5 file:text-sm file:font-medium file:text-zinc-700 hover:file:bg-zinc-200 dark:text-zinc-400 dark:file:bg-zinc-800 dark:file:text-zinc-200"
                />
              )}
            </Field>
            <Field label="Content">
              {(id) => (
                <Textarea
                  id={id}
                  value={content}
                  onChange={(e) => setContent(e.target.value)}
                  rows={7}
                  spellCheck={false}
                  className="font-mono text-xs"
                  placeholder={
                    kind === 'grafana_dashboard'
                      ? '{ "title": "…", "panels": [ … ] }'
                      : 'groups:\n  - name: …\n    rules: …'
                  }
                  data-testid={testIds.usage.dialogContent}
                />
              )}
            </Field>
          </>
        ) : (
          <>
            <Field
              label="URL"
              hint={kind === 'grafana' ? 'The Grafana base URL.' : 'Base URL; /api/v1/rules is appended.'}
            >
              {(id) => (
                <Input
                  id={id}
                  value={url}
                  onChange={(e) => setUrl(e.target.value)}
                  placeholder={kind === 'grafana' ? 'https://grafana.example.com' : 'https://prometheus.example.com'}
                  data-testid={testIds.usage.dialogUrl}
                />
              )}
            </Field>
            <Field
              label="Token secret"
              hint="Name of the Flowgate secret holding the token (Settings → Secrets). It is decrypted only to make the request."
            >
              {(id) => (
                <Input
                  id={id}
                  value={tokenSecret}
                  onChange={(e) => setTokenSecret(e.target.value)}
                  placeholder="GRAFANA_TOKEN"
                  className="font-mono"
                  data-testid={testIds.usage.dialogTokenSecret}
                />
              )}
            </Field>
          </>
        )}
        {create.isError && (
          <div data-testid={testIds.usage.dialogError}>
            <InlineError error={create.error} />
          </div>
        )}
      </form>
    </Dialog>
  );
}
