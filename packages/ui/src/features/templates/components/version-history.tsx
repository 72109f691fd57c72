/** @jsxRuntime automatic */
import { useEffect, useState } from 'react';
import { EmptyState } from '../../../components/ui/empty-state.tsx';
import { ErrorState } from '../../../components/ui/error-state.tsx';
import { Select } from '../../../components/ui/form.tsx';
import { PageLoading } from '../../../components/ui/spinner.tsx';
import type { TemplateVersionSummary } from '../../../lib/api/types.ts';
import { cn } from '../../../lib/cn.ts';
import { dateTime } from '../../../lib/format.ts';
import { testIds } from '../../../lib/testids.ts';
import { useTemplateDiff, useTemplateVersions } from '../hooks/use-templates.ts';
import { DiffView } from './diff-view.tsx';

/** Version list on the left; the diff between two chosen versions on the right. */
export function VersionHistory({ templateId, latestVersion }: { templateId: string; latestVersion: number }) {
  const versions = useTemplateVersions(templateId);
  const [to, setTo] = useState<number>(latestVersion);
  const [from, setFrom] = useState<number>(Math.max(1, latestVersion - 1));

  useEffect(() => {
    setTo(latestVersion);
    setFrom(Math.max(1, latestVersion - 1));
  }, [latestVersion]);

  const diff = useTemplateDiff(templateId, from, to);

  if (versions.isPending) return <PageLoading label="Loading versions…" />;
  if (versions.isError) return <ErrorState error={versions.error} onRetry={() => void versions.refetch()} />;
  const list = [...versions.data].sort((a, b) => b.version - a.version);

  return (
    <div className="grid gap-5 lg:grid-cols-[18rem_1fr]">
      <ol className="space-y-1" data-testid={testIds.templateEditor.versionList}>
        {list.map((v) => (
          <VersionRow
            key={v.version}
            version={v}
            selected={v.version === to}
            compared={v.version === from}
            onClick={() => {
              setTo(v.version);
              if (v.version > 1) setFrom(v.version - 1);
            }}
          />
        ))}
      </ol>
      <div className="min-w-0 space-y-3">
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <span className="text-zinc-500">Compare</span>
          <Select
            className="w-28"
            value={from}
            onChange={(e) => setFrom(Number(e.target.value))}
            aria-label="From version"
            data-testid={testIds.templateEditor.diffFrom}
          >
            {list.map((v) => (
              <option key={v.version} value={v.version}>
                v{v.version}
              </option>
            ))}
          </Select>
          <span className="text-zinc-500">→</span>
          <Select
            className="w-28"
            value={to}
            onChange={(e) => setTo(Number(e.target.value))}
            aria-label="To version"
            data-testid={testIds.templateEditor.diffTo}
          >
            {list.map((v) => (
              <option key={v.version} value={v.version}>
                v{v.version}
              </option>
            ))}
          </Select>
        </div>
        {list.length < 2 ? (
          <EmptyState
            title="Only one version so far"
            description="Save a change in the editor to create version 2; the difference appears here side by side."
          />
        ) : from === to ? (
          <p
            className={cn(
              'rounded-lg border border-dashed border-zinc-300 p-6 text-center text-sm text-zinc-500',
              'dark:border-zinc-700',
            )}
          >
            Pick two different versions to compare.
          </p>
        ) : diff.isPending ? (
          <PageLoading label="Computing diff…" />
        ) : diff.isError ? (
          <ErrorState error={diff.error} onRetry={() => void diff.refetch()} />
        ) : (
          <DiffView diff={diff.data.diff} fromLabel={`Version ${diff.data.from}`} toLabel={`Version ${diff.data.to}`} />
        )}
      </div>
    </div>
  );
}

function VersionRow({
  version,
  selected,
  compared,
  onClick,
}: {
  version: TemplateVersionSummary;
  selected: boolean;
  compared: boolean;
  onClick: () => void;
}) {
  return (
    <li>
      <button
        type="button"
        onClick={onClick}
        data-testid={testIds.templateEditor.versionRow}
        data-version={version.version}
        className={cn(
          'w-full rounded-lg border px-3 py-2 text-left transition-colors',
          selected
            ? 'border-accent-300 bg-accent-50 dark:border-accent-800 dark:bg-accent-950/40'
            : compared
              ? 'border-zinc-300 bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900'
              : 'border-transparent hover:bg-zinc-100 dark:hover:bg-zinc-800/60',
        )}
      >
        <div className="flex items-center justify-between gap-2">
          <span className="text-sm font-semibold">v{version.version}</span>
          <span className="font-mono text-[11px] text-zinc-400">{version.hash.slice(0, 8)}</span>
        </div>
        <p className="mt-0.5 truncate text-xs text-zinc-700 dark:text-zinc-300">
          {version.message || <span className="text-zinc-400 italic">No message</span>}
        </p>
        <p className="mt-0.5 text-[11px] text-zinc-500">
          {version.author ?? 'unknown'} · {dateTime(version.created_at)}
        </p>
      </button>
    </li>
  );
}
