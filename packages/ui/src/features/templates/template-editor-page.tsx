/** @jsxRuntime automatic */
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useBlocker, useNavigate, useParams } from 'react-router-dom';
import { Badge } from '../../components/ui/badge.tsx';
import { Button, ButtonLink } from '../../components/ui/button.tsx';
import { ConfirmDialog } from '../../components/ui/confirm-dialog.tsx';
import { Dialog } from '../../components/ui/dialog.tsx';
import { ErrorState } from '../../components/ui/error-state.tsx';
import { IconAlert, IconRocket, IconTrash } from '../../components/ui/icons.tsx';
import { PageLoading } from '../../components/ui/spinner.tsx';
import { Tabs } from '../../components/ui/tabs.tsx';
import { useToast } from '../../components/ui/toast.tsx';
import { toApiError } from '../../lib/api/api-error.ts';
import type { TemplateDetail, ValidationIssue } from '../../lib/api/types.ts';
import { cn } from '../../lib/cn.ts';
import { relativeTime } from '../../lib/format.ts';
import { testIds } from '../../lib/testids.ts';
import { useCan } from '../auth/hooks/session.tsx';
import { DryRunPanel } from './components/dry-run-panel.tsx';
import { ProblemsList, ValidationStatus } from './components/problems-list.tsx';
import { SaveVersionDialog } from './components/save-version-dialog.tsx';
import { VersionHistory } from './components/version-history.tsx';
import { YamlEditor, type YamlEditorHandle } from './components/yaml-editor.tsx';
import { useDeleteTemplate, useSaveTemplateVersion, useTemplate } from './hooks/use-templates.ts';
import { currentResult, useValidation } from './hooks/use-validation.ts';

type Tab = 'editor' | 'history' | 'dry-run';

export function TemplateEditorPage() {
  const { id = '' } = useParams();
  const template = useTemplate(id);
  if (template.isPending) return <PageLoading label="Loading template…" />;
  if (template.isError)
    return (
      <div className="space-y-4">
        <Link to="/templates" className="text-xs text-zinc-500 hover:text-zinc-900 dark:hover:text-zinc-100">
          ← Templates
        </Link>
        <ErrorState error={template.error} onRetry={() => void template.refetch()} />
      </div>
    );
  return <TemplateWorkspace key={template.data.id} template={template.data} />;
}

interface Base {
  version: number;
  yaml: string;
}

function TemplateWorkspace({ template }: { template: TemplateDetail }) {
  const canWrite = useCan('templates:write');
  const canDelete = useCan('templates:delete');
  const toast = useToast();
  const navigate = useNavigate();
  const save = useSaveTemplateVersion(template.id);
  const remove = useDeleteTemplate(template.id);
  const [tab, setTab] = useState<Tab>('editor');
  // The version the user started editing from; saves send it as base_version (optimistic lock).
  const [base, setBase] = useState<Base>({ version: template.latest.version, yaml: template.latest.config_yaml });
  const [draft, setDraft] = useState<string>(template.latest.config_yaml);
  const [saveOpen, setSaveOpen] = useState(false);
  const [deleteOpen, setDeleteOpen] = useState(false);
  const [stale, setStale] = useState(false);
  const editorHandle = useRef<YamlEditorHandle | null>(null);
  const dirty = draft !== base.yaml;
  const validation = useValidation(draft);
  const result = currentResult(validation);
  const newerOnServer = template.latest_version > base.version;

  // Someone saved a newer version while the page was open and nothing was edited: follow it.
  useEffect(() => {
    if (newerOnServer && !dirty) {
      setBase({ version: template.latest.version, yaml: template.latest.config_yaml });
      setDraft(template.latest.config_yaml);
    }
  }, [newerOnServer, dirty, template.latest.version, template.latest.config_yaml]);

  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty]);
  const leaving = useRef(false);
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      !leaving.current && dirty && currentLocation.pathname !== nextLocation.pathname,
  );

  const loadLatest = () => {
    setBase({ version: template.latest.version, yaml: template.latest.config_yaml });
    setDraft(template.latest.config_yaml);
    setStale(false);
  };

  const doSave = (message: string) => {
    save.mutate(
      { config_yaml: draft, message: message || undefined, base_version: base.version },
      {
        onSuccess: (saved) => {
          setBase({ version: saved.version, yaml: draft });
          setSaveOpen(false);
          toast.success(`Saved as version ${saved.version}`);
        },
        onError: (error) => {
          setSaveOpen(false);
          if (toApiError(error).code === 'STALE_VERSION') setStale(true);
          else toast.error(error, 'The version was not saved');
        },
      },
    );
  };

  const openSave = useCallback(() => {
    if (canWrite && dirty) setSaveOpen(true);
  }, [canWrite, dirty]);

  const selectProblem = (issue: ValidationIssue) => {
    if (issue.line) editorHandle.current?.revealLine(issue.line, issue.column ?? 1);
  };

  return (
    <div
      className={tab === 'editor' ? 'flex h-[calc(100vh-3rem)] min-h-[36rem] flex-col' : 'flex flex-col'}
      data-testid={testIds.templateEditor.page}
      data-id={template.id}
    >
      <div className="mb-4 flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <Link to="/templates" className="text-xs text-zinc-500 hover:text-zinc-900 dark:hover:text-zinc-100">
            ← Templates
          </Link>
          <div className="mt-1 flex flex-wrap items-center gap-2">
            <h1 className="truncate text-xl font-semibold tracking-tight" data-testid={testIds.templateEditor.name}>
              {template.name}
            </h1>
            <Badge tone="neutral">{template.type}</Badge>
            <Badge tone="accent" data-testid={testIds.templateEditor.versionBadge} data-status={String(base.version)}>
              v{base.version}
              {base.version === template.latest_version ? ' · latest' : ''}
            </Badge>
            {dirty && (
              <Badge tone="warning" dot data-testid={testIds.templateEditor.dirtyIndicator}>
                Unsaved changes
              </Badge>
            )}
          </div>
          <p className="mt-1 text-xs text-zinc-500">
            {template.description ? `${template.description} · ` : ''}updated {relativeTime(template.updated_at)}
            {template.latest.author ? ` by ${template.latest.author}` : ''}
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          {canDelete && (
            <Button
              variant="danger-ghost"
              icon={<IconTrash size={15} />}
              onClick={() => setDeleteOpen(true)}
              data-testid={testIds.templateEditor.delete}
            >
              Delete
            </Button>
          )}
          {canWrite && (
            <ButtonLink
              to={`/deployments/new?template=${template.id}&version=${base.version}`}
              icon={<IconRocket size={15} />}
              data-testid={testIds.templateEditor.deploy}
              title={dirty ? 'Deploys the last saved version' : undefined}
            >
              Deploy v{base.version}
            </ButtonLink>
          )}
          {canWrite && (
            <Button
              variant="primary"
              onClick={openSave}
              disabled={!dirty}
              data-testid={testIds.templateEditor.save}
              title="Save a new version (Ctrl+S)"
            >
              Save version
            </Button>
          )}
        </div>
      </div>

      {(stale || newerOnServer) && dirty && (
        <div
          className={cn(
            'mb-4 flex items-center gap-3 rounded-xl border border-amber-300 bg-amber-50 px-4 py-3',
            'text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-200',
          )}
          role="alert"
          data-testid={testIds.templateEditor.staleBanner}
        >
          <IconAlert size={16} className="shrink-0" />
          <p className="flex-1">
            Version {template.latest_version} was saved by {template.latest.author ?? 'someone else'} after you started
            editing v{base.version}.{stale && <span className="ml-1 font-mono text-[11px]">STALE_VERSION</span>} Copy
            your changes, load the latest version, and apply them again.
          </p>
          <Button size="sm" onClick={loadLatest} data-testid={testIds.templateEditor.reloadLatest}>
            Load v{template.latest_version} (discard my edits)
          </Button>
        </div>
      )}

      <Tabs
        className="mb-4"
        value={tab}
        onChange={setTab}
        tabs={[
          { id: 'editor', label: 'Editor', testId: testIds.templateEditor.tabEditor },
          {
            id: 'history',
            label: 'History & diff',
            testId: testIds.templateEditor.tabHistory,
            count: template.latest_version,
          },
          { id: 'dry-run', label: 'Dry run', testId: testIds.templateEditor.tabDryRun },
        ]}
      />

      {tab === 'editor' && (
        <div
          className={cn(
            'flex min-h-0 flex-1 flex-col overflow-hidden rounded-xl border border-zinc-200 bg-white',
            'dark:border-zinc-800 dark:bg-zinc-900',
          )}
        >
          <div className="relative min-h-72 flex-1">
            <YamlEditor
              value={draft}
              onChange={setDraft}
              readOnly={!canWrite}
              errors={result?.errors ?? []}
              warnings={result?.warnings ?? []}
              onReady={(handle) => {
                editorHandle.current = handle;
              }}
              onSaveShortcut={openSave}
            />
          </div>
          <div className="border-t border-zinc-200 dark:border-zinc-800">
            <div className="flex items-center justify-between px-3 py-2">
              <span className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">Problems</span>
              <ValidationStatus state={validation} result={result} />
            </div>
            <div className="max-h-40 overflow-y-auto border-t border-zinc-100 dark:border-zinc-800">
              {validation.state === 'error' && !result ? (
                <div className="p-3">
                  <ErrorState compact error={validation.error} title="Validation is unavailable" />
                </div>
              ) : (
                <ProblemsList result={result} onSelect={selectProblem} />
              )}
            </div>
          </div>
        </div>
      )}
      {tab === 'history' && <VersionHistory templateId={template.id} latestVersion={template.latest_version} />}
      {tab === 'dry-run' && <DryRunPanel templateId={template.id} latestVersion={template.latest_version} />}

      <SaveVersionDialog
        open={saveOpen}
        nextVersion={template.latest_version + 1}
        errorCount={result?.errors.length ?? 0}
        saving={save.isPending}
        onSave={doSave}
        onClose={() => setSaveOpen(false)}
      />
      <ConfirmDialog
        open={deleteOpen}
        title={`Delete ${template.name}?`}
        body={
          <p>
            All {template.latest_version} versions are deleted. A template used by an active deployment cannot be
            deleted.
          </p>
        }
        confirmLabel="Delete template"
        onClose={() => setDeleteOpen(false)}
        onConfirm={async () => {
          await remove.mutateAsync();
          leaving.current = true;
          toast.success('Template deleted');
          navigate('/templates');
        }}
      />
      <Dialog
        open={blocker.state === 'blocked'}
        onClose={() => blocker.reset?.()}
        title="Leave without saving?"
        size="sm"
        footer={
          <>
            <Button onClick={() => blocker.reset?.()} data-testid={testIds.dialog.cancel}>
              Keep editing
            </Button>
            <Button variant="danger" onClick={() => blocker.proceed?.()} data-testid={testIds.dialog.confirm}>
              Discard changes
            </Button>
          </>
        }
      >
        <p className="text-sm text-zinc-600 dark:text-zinc-300">
          Your changes to {template.name} are not saved as a version and will be lost.
        </p>
      </Dialog>
    </div>
  );
}
