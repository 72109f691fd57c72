/** @jsxRuntime automatic */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { Button } from '../../components/ui/button.tsx';
import { Card } from '../../components/ui/card.tsx';
import { EmptyState } from '../../components/ui/empty-state.tsx';
import { InlineError } from '../../components/ui/error-state.tsx';
import { Checkbox, Field, Input, Segmented, Select } from '../../components/ui/form.tsx';
import { IconPlus, IconRocket, IconSearch, IconX } from '../../components/ui/icons.tsx';
import { PageHeader } from '../../components/ui/page-header.tsx';
import { PageLoading, Spinner } from '../../components/ui/spinner.tsx';
import { useToast } from '../../components/ui/toast.tsx';
import { fieldProblems, toApiError } from '../../lib/api/api-error.ts';
import type { CreateDeploymentBody, GatewaySummary } from '../../lib/api/types.ts';
import { cn } from '../../lib/cn.ts';
import { testIds } from '../../lib/testids.ts';
import { useDebounced } from '../../lib/use-now.ts';
import { useCan, useOrgId } from '../auth/hooks/session.tsx';
import { gatewaysApi } from '../agents/api/gateways-api.ts';
import { gatewayKeys } from '../agents/api/gateway-keys.ts';
import { useAgentTags } from '../agents/hooks/use-gateways.ts';
import { useTemplates, useTemplateVersions } from '../templates/hooks/use-templates.ts';
import { batchSizes, parseBatches } from './components/deployment-model.ts';
import { GatewayOptions } from './components/gateway-options.tsx';
import { useCreateDeployment } from './hooks/use-deployments.ts';

type TargetMode = 'gateways' | 'tags';
type StrategyType = 'all_at_once' | 'canary';
interface TagRow {
  key: string;
  value: string;
}

export function DeploymentCreatePage() {
  const canWrite = useCan('deployments:write');
  if (!canWrite) {
    return (
      <EmptyState
        title="Your role cannot start deployments"
        description="Editors, admins and owners can deploy. Ask one of them, or for a role change."
      />
    );
  }
  return <DeploymentForm />;
}

function DeploymentForm() {
  const orgId = useOrgId();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const toast = useToast();
  const create = useCreateDeployment();
  const templates = useTemplates();

  const [templateId, setTemplateId] = useState(params.get('template') ?? '');
  const [version, setVersion] = useState<number | null>(params.get('version') ? Number(params.get('version')) : null);
  const versions = useTemplateVersions(templateId || undefined);
  const [mode, setMode] = useState<TargetMode>('tags');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [tagRows, setTagRows] = useState<TagRow[]>([{ key: '', value: '' }]);
  const [strategy, setStrategy] = useState<StrategyType>('canary');
  const [batchesText, setBatchesText] = useState('10, 50, 100');
  const [soak, setSoak] = useState('30');
  const [pauseOnFailure, setPauseOnFailure] = useState(true);
  const [name, setName] = useState('');

  // Pick the first template and the latest version when nothing was preselected.
  useEffect(() => {
    if (!templateId && templates.data && templates.data[0]) setTemplateId(templates.data[0].id);
  }, [templateId, templates.data]);
  useEffect(() => {
    if (
      versions.data &&
      versions.data.length > 0 &&
      (version === null || !versions.data.some((v) => v.version === version))
    ) {
      setVersion(Math.max(...versions.data.map((v) => v.version)));
    }
  }, [versions.data, version]);

  const tags = useMemo(
    () => Object.fromEntries(tagRows.filter((r) => r.key.trim()).map((r) => [r.key.trim(), r.value.trim()])),
    [tagRows],
  );
  const debouncedTags = useDebounced(tags, 300);
  const hasTags = Object.keys(debouncedTags).length > 0;
  const count = useQuery({
    queryKey: gatewayKeys.count(orgId, debouncedTags),
    queryFn: ({ signal }) => gatewaysApi.count(orgId, debouncedTags, signal),
    enabled: mode === 'tags' && hasTags,
  });

  const batches = parseBatches(batchesText);
  const targetCount = mode === 'gateways' ? selected.size : (count.data?.count ?? 0);
  const sizes = strategy === 'canary' && batches ? batchSizes(targetCount, batches) : null;
  const targetValid = mode === 'gateways' ? selected.size > 0 : Object.keys(tags).length > 0;
  const strategyValid = strategy === 'all_at_once' || (batches !== null && /^\d+$/.test(soak));
  const canSubmit = Boolean(templateId) && version !== null && targetValid && strategyValid;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!canSubmit || version === null) return;
    const body: CreateDeploymentBody = {
      template_id: templateId,
      version,
      target: mode === 'gateways' ? { gateway_ids: [...selected] } : { tags },
      strategy:
        strategy === 'canary'
          ? { type: 'canary', batches: batches ?? [100], soak_seconds: Number(soak), pause_on_failure: pauseOnFailure }
          : { type: 'all_at_once', pause_on_failure: pauseOnFailure },
      name: name.trim() || undefined,
    };
    create.mutate(body, {
      onSuccess: (deployment) => {
        toast.success('Deployment started');
        navigate(`/deployments/${deployment.id}`);
      },
    });
  };

  const validationIssues = create.error ? fieldProblems(create.error) : [];
  const selectedTemplate = templates.data?.find((t) => t.id === templateId);

  if (templates.isPending) return <PageLoading />;
  if (templates.data && templates.data.length === 0) {
    return (
      <EmptyState
        title="Create a template first"
        description="A deployment ships one version of a template. You have none yet."
        actions={
          <Link to="/templates" className="font-medium text-accent-600 hover:underline">
            Go to templates
          </Link>
        }
      />
    );
  }

  return (
    <form onSubmit={submit} data-testid={testIds.deploymentCreate.page}>
      <PageHeader
        breadcrumb={
          <Link to="/deployments" className="hover:text-zinc-900 dark:hover:text-zinc-100">
            ← Deployments
          </Link>
        }
        title="New deployment"
        description="Choose what to ship, where, and how carefully."
      />
      <div className="grid gap-5 lg:grid-cols-[1fr_20rem]">
        <div className="space-y-5">
          <Card
            title="1 · What"
            description="A template version. Versions are immutable, so what you review is what ships."
          >
            <div className="grid gap-4 sm:grid-cols-[1fr_10rem]">
              <Field label="Template">
                {(id) => (
                  <Select
                    id={id}
                    value={templateId}
                    onChange={(e) => {
                      setTemplateId(e.target.value);
                      setVersion(null);
                    }}
                    data-testid={testIds.deploymentCreate.template}
                  >
                    {templates.data?.map((t) => (
                      <option key={t.id} value={t.id}>
                        {t.name}
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
              <Field label="Version">
                {(id) => (
                  <Select
                    id={id}
                    value={version ?? ''}
                    onChange={(e) => setVersion(Number(e.target.value))}
                    disabled={!versions.data}
                    data-testid={testIds.deploymentCreate.version}
                  >
                    {[...(versions.data ?? [])]
                      .sort((a, b) => b.version - a.version)
                      .map((v) => (
                        <option key={v.version} value={v.version}>
                          v{v.version}
                          {v.version === selectedTemplate?.latest_version ? ' (latest)' : ''}
                        </option>
                      ))}
                  </Select>
                )}
              </Field>
            </div>
            {versions.data && version !== null && (
              <p className="mt-2 text-xs text-zinc-500">
                {versions.data.find((v) => v.version === version)?.message || 'No message for this version.'}
              </p>
            )}
          </Card>

          <Card
            title="2 · Where"
            description={
              'Pick gateways one by one, or target a tag selector — ' +
              'gateways that match it later receive the deployment too.'
            }
            actions={
              <Segmented
                label="Target"
                value={mode}
                onChange={setMode}
                options={[
                  { value: 'tags', label: 'By tags', testId: testIds.deploymentCreate.targetModeTags },
                  { value: 'gateways', label: 'Pick gateways', testId: testIds.deploymentCreate.targetModeGateways },
                ]}
              />
            }
          >
            {mode === 'tags' ? (
              <TagSelector
                rows={tagRows}
                onChange={setTagRows}
                count={count.data}
                counting={count.isFetching}
                countError={count.error}
                hasTags={hasTags}
              />
            ) : (
              <GatewayPicker selected={selected} onChange={setSelected} />
            )}
          </Card>

          <Card
            title="3 · How"
            actions={
              <Segmented
                label="Strategy"
                value={strategy}
                onChange={setStrategy}
                options={[
                  { value: 'canary', label: 'Canary', testId: testIds.deploymentCreate.strategyCanary },
                  { value: 'all_at_once', label: 'All at once', testId: testIds.deploymentCreate.strategyAllAtOnce },
                ]}
              />
            }
          >
            {strategy === 'canary' ? (
              <div className="space-y-4">
                <div className="grid gap-4 sm:grid-cols-2">
                  <Field
                    label="Batches (cumulative %)"
                    error={batches ? undefined : 'Increasing percents ending at 100, e.g. 10, 50, 100'}
                    hint="Each number is the share of targets reached after that batch."
                  >
                    {(id) => (
                      <Input
                        id={id}
                        value={batchesText}
                        onChange={(e) => setBatchesText(e.target.value)}
                        className="font-mono"
                        data-testid={testIds.deploymentCreate.batches}
                      />
                    )}
                  </Field>
                  <Field
                    label="Soak time (seconds)"
                    hint="How long a batch must stay applied and healthy before the next one starts."
                  >
                    {(id) => (
                      <Input
                        id={id}
                        type="number"
                        min={0}
                        max={86400}
                        value={soak}
                        onChange={(e) => setSoak(e.target.value)}
                        data-testid={testIds.deploymentCreate.soakSeconds}
                      />
                    )}
                  </Field>
                </div>
                {sizes && targetCount > 0 && (
                  <div className="flex flex-wrap gap-2 text-xs">
                    {sizes.map((size, i) => (
                      <span
                        key={i}
                        className="rounded-lg bg-zinc-100 px-2.5 py-1 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300"
                      >
                        Batch {i + 1}: <span className="font-semibold tabular-nums">{size}</span> gateway
                        {size === 1 ? '' : 's'}
                      </span>
                    ))}
                  </div>
                )}
              </div>
            ) : (
              <p className="text-sm text-zinc-600 dark:text-zinc-400">
                Every target receives the version at once. Use this for a handful of gateways or a change you have
                already proven.
              </p>
            )}
            <Checkbox
              className="mt-4"
              label="Pause on the first failure (recommended)"
              checked={pauseOnFailure}
              onChange={(e) => setPauseOnFailure(e.target.checked)}
              data-testid={testIds.deploymentCreate.pauseOnFailure}
            />
          </Card>
        </div>

        <div className="lg:sticky lg:top-6 lg:self-start">
          <Card title="Summary">
            <dl className="space-y-2 text-sm">
              <div className="flex justify-between gap-2">
                <dt className="text-zinc-500">Template</dt>
                <dd className="truncate font-medium">
                  {selectedTemplate?.name ?? '—'} {version !== null && `v${version}`}
                </dd>
              </div>
              <div className="flex justify-between gap-2">
                <dt className="text-zinc-500">Targets</dt>
                <dd className="font-medium tabular-nums">
                  {mode === 'tags' && !hasTags ? (
                    '—'
                  ) : mode === 'tags' && count.isFetching ? (
                    <Spinner size="sm" />
                  ) : (
                    targetCount
                  )}
                </dd>
              </div>
              <div className="flex justify-between gap-2">
                <dt className="text-zinc-500">Strategy</dt>
                <dd className="font-medium">
                  {strategy === 'canary' ? `${batches?.length ?? '?'} batches` : 'All at once'}
                </dd>
              </div>
            </dl>
            <Field label="Name (optional)" className="mt-4">
              {(id) => (
                <Input
                  id={id}
                  value={name}
                  maxLength={200}
                  onChange={(e) => setName(e.target.value)}
                  placeholder="Drop debug logs in prod"
                  data-testid={testIds.deploymentCreate.name}
                />
              )}
            </Field>
            <Button
              type="submit"
              variant="primary"
              className="mt-4 w-full"
              icon={<IconRocket size={15} />}
              loading={create.isPending}
              disabled={!canSubmit}
              data-testid={testIds.deploymentCreate.submit}
            >
              Start deployment
            </Button>
            {create.error !== null && (
              <div className="mt-3 space-y-2">
                <InlineError error={create.error} />
                {validationIssues.length > 0 && toApiError(create.error).code === 'INVALID_CONFIG' && (
                  <ul className="list-disc space-y-0.5 pl-5 text-xs text-red-700 dark:text-red-400">
                    {validationIssues.map((p, i) => (
                      <li key={i}>
                        {p.message}
                        {p.path && <span className="font-mono text-zinc-500"> {p.path}</span>}
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            )}
          </Card>
        </div>
      </div>
    </form>
  );
}

function TagSelector({
  rows,
  onChange,
  count,
  counting,
  countError,
  hasTags,
}: {
  rows: TagRow[];
  onChange: (rows: TagRow[]) => void;
  count: { count: number; exact: boolean } | undefined;
  counting: boolean;
  countError: unknown;
  hasTags: boolean;
}) {
  const agentTags = useAgentTags();
  const keys = agentTags.data?.map((t) => t.key) ?? [];
  const update = (index: number, patch: Partial<TagRow>) =>
    onChange(rows.map((r, i) => (i === index ? { ...r, ...patch } : r)));
  return (
    <div className="space-y-3">
      <datalist id="agent-tag-keys">
        {keys.map((k) => (
          <option key={k} value={k} />
        ))}
      </datalist>
      {rows.map((row, index) => {
        const values = agentTags.data?.find((t) => t.key === row.key)?.values ?? [];
        return (
          <div key={index} className="flex items-center gap-2">
            <Input
              list="agent-tag-keys"
              placeholder="key (e.g. env)"
              aria-label="Tag key"
              value={row.key}
              onChange={(e) => update(index, { key: e.target.value })}
              className="font-mono"
              data-testid={testIds.deploymentCreate.tagKey}
            />
            <span className="text-zinc-400">=</span>
            <datalist id={`agent-tag-values-${index}`}>
              {values.map((v) => (
                <option key={v} value={v} />
              ))}
            </datalist>
            <Input
              list={`agent-tag-values-${index}`}
              placeholder="value (e.g. prod)"
              aria-label="Tag value"
              value={row.value}
              onChange={(e) => update(index, { value: e.target.value })}
              className="font-mono"
              data-testid={testIds.deploymentCreate.tagValue}
            />
            <Button
              variant="ghost"
              size="sm"
              aria-label="Remove this tag"
              disabled={rows.length === 1}
              onClick={() => onChange(rows.filter((_, i) => i !== index))}
              data-testid={testIds.deploymentCreate.tagRemove}
            >
              <IconX size={14} />
            </Button>
          </div>
        );
      })}
      <div className="flex items-center justify-between">
        <Button
          variant="ghost"
          size="sm"
          icon={<IconPlus size={14} />}
          onClick={() => onChange([...rows, { key: '', value: '' }])}
          data-testid={testIds.deploymentCreate.tagAdd}
        >
          Add tag
        </Button>
        <span className="text-sm" data-testid={testIds.deploymentCreate.matchCount} data-count={count?.count ?? ''}>
          {!hasTags ? (
            <span className="text-zinc-400">Add a tag to see matching gateways</span>
          ) : counting && !count ? (
            <span className="inline-flex items-center gap-1.5 text-zinc-500">
              <Spinner size="sm" /> Counting…
            </span>
          ) : countError ? (
            <span className="text-red-600">Could not count: {toApiError(countError).code}</span>
          ) : count ? (
            <span
              className={cn(
                'font-medium',
                count.count === 0 ? 'text-amber-700 dark:text-amber-400' : 'text-emerald-700 dark:text-emerald-400',
              )}
            >
              {count.count}
              {count.exact ? '' : '+'} gateway{count.count === 1 ? '' : 's'} match{count.count === 1 ? 'es' : ''} now
            </span>
          ) : null}
        </span>
      </div>
      <p className="text-xs text-zinc-500">All tags must match (AND).</p>
    </div>
  );
}

function GatewayPicker({ selected, onChange }: { selected: Set<string>; onChange: (next: Set<string>) => void }) {
  const orgId = useOrgId();
  const [search, setSearch] = useState('');
  const debounced = useDebounced(search, 250);
  const filters = { name: debounced || undefined, limit: 200, sort: 'name' as const };
  const list = useQuery({
    queryKey: gatewayKeys.list(orgId, filters),
    queryFn: ({ signal }) => gatewaysApi.list(orgId, filters, undefined, signal),
  });
  const toggle = (gateway: GatewaySummary) => {
    const next = new Set(selected);
    if (next.has(gateway.id)) next.delete(gateway.id);
    else next.add(gateway.id);
    onChange(next);
  };
  return (
    <div className="space-y-2">
      <div className="flex items-center gap-2">
        <div className="relative flex-1">
          <IconSearch
            size={15}
            className="pointer-events-none absolute top-1/2 left-2.5 -translate-y-1/2 text-zinc-400"
          />
          <Input
            type="search"
            placeholder="Filter by name"
            aria-label="Filter gateways"
            className="pl-8"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            data-testid={testIds.deploymentCreate.gatewaySearch}
          />
        </div>
        <span className="text-xs text-zinc-500 tabular-nums">{selected.size} selected</span>
      </div>
      <div className="max-h-72 overflow-y-auto rounded-lg border border-zinc-200 dark:border-zinc-800">
        <GatewayOptions query={list} filtered={debounced !== ''} selected={selected} onToggle={toggle} />
      </div>
    </div>
  );
}
