/** @jsxRuntime automatic */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { Badge } from '../../components/ui/badge.tsx';
import { Button, ButtonLink } from '../../components/ui/button.tsx';
import { Card } from '../../components/ui/card.tsx';
import { CodeBlock } from '../../components/ui/code-block.tsx';
import { InlineError } from '../../components/ui/error-state.tsx';
import { Field, Input } from '../../components/ui/form.tsx';
import { IconAlert, IconCheck, IconInfo } from '../../components/ui/icons.tsx';
import { PageHeader } from '../../components/ui/page-header.tsx';
import { Spinner } from '../../components/ui/spinner.tsx';
import { useToast } from '../../components/ui/toast.tsx';
import { ApiError } from '../../lib/api/api-error.ts';
import { testIds } from '../../lib/testids.ts';
import { useCan, useOrgId } from '../auth/hooks/session.tsx';
import { settingsApi, settingsKeys } from '../settings/api/settings-api.ts';
import { backendKeys, backendsApi, type BlockCatalogueEntry } from './api/backends-api.ts';
import { SchemaForm, type FieldProblem } from './components/schema-form.tsx';
import { cleanConfig, type JsonSchema } from './components/schema-form-model.ts';

/** Debounced value: the live render follows typing without a request per key press. */
function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

function TypePicker({ catalogue, onPick }: { catalogue: BlockCatalogueEntry[]; onPick: (type: string) => void }) {
  return (
    <div className="grid gap-3 sm:grid-cols-2 xl:grid-cols-3" data-testid={testIds.backends.typePicker}>
      {catalogue
        .filter((b) => b.category === 'backend')
        .map((b) => (
          <button
            key={b.type}
            type="button"
            onClick={() => onPick(b.type)}
            data-type={b.type}
            className="flex flex-col items-start rounded-xl border border-zinc-200 bg-white p-4 text-left shadow-xs transition hover:border-accent-400 hover:shadow-sm dark:border-zinc-800 dark:bg-zinc-900 dark:hover:border-accent-600"
          >
            <div className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">{b.title}</div>
            <div className="mt-1 flex gap-1">
              {b.signals.map((s) => (
                <Badge key={s} tone="muted">
                  {s}
                </Badge>
              ))}
            </div>
            <p className="mt-2 text-xs text-zinc-500 dark:text-zinc-400">{b.description}</p>
          </button>
        ))}
    </div>
  );
}

export function BackendEditorPage() {
  const { id } = useParams();
  const [params, setParams] = useSearchParams();
  const orgId = useOrgId();
  const canWrite = useCan('secrets:write');
  const navigate = useNavigate();
  const toast = useToast();
  const queryClient = useQueryClient();
  const catalogue = useQuery({
    queryKey: backendKeys.catalogue(orgId),
    queryFn: ({ signal }) => backendsApi.catalogue(orgId, signal),
  });
  const existing = useQuery({
    queryKey: backendKeys.one(orgId, id ?? ''),
    queryFn: ({ signal }) => backendsApi.get(orgId, id!, signal),
    enabled: Boolean(id),
  });
  const secrets = useQuery({
    queryKey: settingsKeys.secrets(orgId),
    queryFn: ({ signal }) => settingsApi.secrets(orgId, signal),
  });

  const type = existing.data?.type ?? params.get('type') ?? '';
  const entry = catalogue.data?.find((b) => b.type === type);
  const [name, setName] = useState('');
  const [config, setConfig] = useState<Record<string, unknown> | null>(null);
  useEffect(() => {
    if (existing.data && config === null) {
      setName(existing.data.name);
      setConfig(existing.data.config);
    } else if (!id && entry && config === null) {
      setName(entry.title);
      setConfig({ ...(entry.defaults as Record<string, unknown>) });
    }
  }, [existing.data, entry, id, config]);

  const schema = (entry?.schema ?? {}) as JsonSchema;
  const sent = useMemo(() => (config ? cleanConfig(schema, config) : null), [schema, config]);
  const debounced = useDebounced(sent, 300);
  const render = useQuery({
    queryKey: backendKeys.render(orgId, type, debounced),
    queryFn: ({ signal }) => backendsApi.render(orgId, { type, config: debounced! }, signal),
    enabled: Boolean(type && debounced),
    placeholderData: (prev) => prev,
  });
  const save = useMutation({
    mutationFn: () =>
      id
        ? backendsApi.update(orgId, id, { name, config: sent! })
        : backendsApi.create(orgId, { name, type, config: sent! }),
    onSuccess: (b) => {
      void queryClient.invalidateQueries({ queryKey: backendKeys.all(orgId) });
      toast.success(id ? `Saved ${b.name}` : `Created ${b.name}`);
      navigate('/backends');
    },
  });
  const saveProblems =
    save.error instanceof ApiError && Array.isArray((save.error.details as { problems?: unknown })?.problems)
      ? ((save.error.details as { problems: FieldProblem[] }).problems ?? [])
      : [];
  const problems: FieldProblem[] = render.data?.problems ?? saveProblems;

  if (!id && !type)
    return (
      <div className="space-y-5" data-testid={testIds.backends.editorPage}>
        <PageHeader
          title="New backend"
          description="Pick where this telemetry goes. Credentials are chosen from the organization's secrets."
          actions={<ButtonLink to="/backends">Cancel</ButtonLink>}
        />
        {catalogue.isLoading ? (
          <Spinner />
        ) : (
          <TypePicker catalogue={catalogue.data ?? []} onPick={(t) => setParams({ type: t })} />
        )}
      </div>
    );

  const valid = render.data?.valid === true;
  return (
    <div className="space-y-5" data-testid={testIds.backends.editorPage} data-type={type}>
      <PageHeader
        title={id ? `Backend: ${existing.data?.name ?? ''}` : `New ${entry?.title ?? ''} backend`}
        description={entry?.description}
        actions={
          <>
            <ButtonLink to="/backends">Cancel</ButtonLink>
            {canWrite && (
              <Button
                variant="primary"
                disabled={!config || save.isPending || !name.trim() || !valid}
                onClick={() => save.mutate()}
                data-testid={testIds.backends.save}
              >
                {id ? 'Save' : 'Create backend'}
              </Button>
            )}
          </>
        }
      />
      {!entry || !config ? (
        <Spinner />
      ) : (
        <div className="grid gap-5 lg:grid-cols-[minmax(0,5fr)_minmax(0,6fr)]">
          <Card title="Configuration" description="Generated from the preset's schema; secrets by name only.">
            <div className="space-y-4">
              <Field label="Name">
                {(fid) => (
                  <Input
                    id={fid}
                    value={name}
                    onChange={(e) => setName(e.target.value)}
                    data-testid={testIds.backends.name}
                  />
                )}
              </Field>
              <SchemaForm
                schema={schema}
                config={config}
                onChange={setConfig}
                secretNames={(secrets.data ?? []).map((s) => s.name)}
                problems={problems}
              />
              {save.error && !saveProblems.length && <InlineError error={save.error} />}
            </div>
          </Card>
          <div className="space-y-5">
            <Card
              title="Problems"
              actions={
                render.isFetching ? (
                  <Spinner size="sm" />
                ) : valid ? (
                  <Badge tone="success" dot>
                    Valid
                  </Badge>
                ) : (
                  <Badge tone="danger" dot>
                    {problems.length} problem{problems.length === 1 ? '' : 's'}
                  </Badge>
                )
              }
              padded={false}
            >
              {problems.length === 0 ? (
                <p
                  className="flex items-center gap-2 px-4 py-3 text-xs text-zinc-500"
                  data-testid={testIds.backends.problems}
                  data-count={0}
                >
                  <IconCheck size={13} className="text-emerald-600" /> No problems: checked against the schema and this
                  organization&apos;s secrets.
                </p>
              ) : (
                <ul
                  className="divide-y divide-zinc-100 dark:divide-zinc-800"
                  data-testid={testIds.backends.problems}
                  data-count={problems.length}
                >
                  {problems.map((p, i) => (
                    <li
                      key={i}
                      className="flex items-start gap-2.5 px-4 py-2 text-xs"
                      data-testid={testIds.backends.problem}
                      data-code={p.code}
                      data-path={p.path}
                    >
                      <IconAlert size={13} className="mt-0.5 shrink-0 text-red-600 dark:text-red-400" />
                      <span className="min-w-0 flex-1 text-zinc-800 dark:text-zinc-200">
                        {p.message}
                        {p.path && <span className="ml-2 font-mono text-zinc-500">{p.path}</span>}
                      </span>
                      <span className="shrink-0 font-mono text-[11px] text-zinc-400">{p.code}</span>
                    </li>
                  ))}
                </ul>
              )}
            </Card>
            {(render.data?.requirements ?? []).length > 0 && (
              <div
                className="flex gap-2 rounded-xl border border-amber-200 bg-amber-50 px-4 py-3 text-xs text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/40 dark:text-amber-200"
                data-testid={testIds.backends.requirements}
              >
                <IconInfo size={14} className="mt-0.5 shrink-0" />
                <div>{render.data!.requirements.join(' ')}</div>
              </div>
            )}
            <div data-testid={testIds.backends.yaml} data-valid={String(valid)}>
              <CodeBlock
                title={
                  <span>
                    Rendered collector components{' '}
                    <span className="font-normal text-zinc-500">
                      ·{' '}
                      {Object.entries(render.data?.pipelines ?? {})
                        .map(([s]) => s)
                        .join(', ') || '—'}
                    </span>
                  </span>
                }
                code={render.data?.yaml || '# Fix the problems to see the rendered configuration'}
                maxHeight="34rem"
              />
            </div>
          </div>
        </div>
      )}
    </div>
  );
}
