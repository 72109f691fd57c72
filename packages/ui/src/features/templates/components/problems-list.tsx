/** @jsxRuntime automatic */
import { Badge } from '../../../components/ui/badge.tsx';
import { IconAlert, IconCheck, IconInfo } from '../../../components/ui/icons.tsx';
import { Spinner } from '../../../components/ui/spinner.tsx';
import type { ValidationIssue, ValidationResult } from '../../../lib/api/types.ts';
import { cn } from '../../../lib/cn.ts';
import { testIds } from '../../../lib/testids.ts';
import type { ValidationState } from '../hooks/use-validation.ts';

export function ValidationStatus({ state, result }: { state: ValidationState; result: ValidationResult | null }) {
  const checking = state.state === 'checking' || state.state === 'idle';
  let content;
  let status: string;
  if (state.state === 'error') {
    status = 'error';
    content = (
      <span
        className="inline-flex items-center gap-1.5 text-amber-700 dark:text-amber-400"
        title={`${state.error.message} (${state.error.code})`}
      >
        <IconAlert size={14} /> Validation unavailable ·{' '}
        <span className="font-mono text-[11px]">{state.error.code}</span>
      </span>
    );
  } else if (!result) {
    status = 'checking';
    content = (
      <span className="inline-flex items-center gap-1.5 text-zinc-500">
        <Spinner size="sm" /> Checking…
      </span>
    );
  } else if (result.valid) {
    status = 'valid';
    content = (
      <span className="inline-flex items-center gap-1.5 text-emerald-700 dark:text-emerald-400">
        <IconCheck size={14} />
        {result.collector_checked ? (
          'Valid'
        ) : (
          // Never a plain "Valid" when only the structure was checked (no collector binary on the server).
          <span data-testid={testIds.backends.structureOnly}>
            Structure valid — the collector&apos;s own check did not run
          </span>
        )}
        {result.warnings.length > 0 && (
          <span className="text-amber-700 dark:text-amber-400">
            · {result.warnings.length} warning{result.warnings.length === 1 ? '' : 's'}
          </span>
        )}
      </span>
    );
  } else {
    status = 'invalid';
    content = (
      <span className="inline-flex items-center gap-1.5 text-red-700 dark:text-red-400">
        <IconAlert size={14} /> {result.errors.length} error{result.errors.length === 1 ? '' : 's'}
        {result.warnings.length > 0 && (
          <span className="text-amber-700 dark:text-amber-400">
            · {result.warnings.length} warning{result.warnings.length === 1 ? '' : 's'}
          </span>
        )}
      </span>
    );
  }
  return (
    <span
      className="inline-flex items-center gap-2 text-xs font-medium"
      data-testid={testIds.templateEditor.validationStatus}
      data-status={checking && result === null ? 'checking' : status}
      data-collector-checked={result ? String(result.collector_checked) : ''}
    >
      {content}
      {state.state === 'checking' && result && <Spinner size="sm" className="text-zinc-400" />}
      {result?.collector_checked && (
        <Badge tone="muted" title="The real collector's validate command accepted or rejected this config">
          collector checked
        </Badge>
      )}
    </span>
  );
}

export function ProblemsList({
  result,
  onSelect,
}: {
  result: ValidationResult | null;
  onSelect: (issue: ValidationIssue) => void;
}) {
  const problems = [
    ...(result?.errors ?? []).map((i) => ({ issue: i, severity: 'error' as const })),
    ...(result?.warnings ?? []).map((i) => ({ issue: i, severity: 'warning' as const })),
  ];
  if (problems.length === 0) {
    return (
      <p className="px-3 py-3 text-xs text-zinc-500" data-testid={testIds.templateEditor.problemsEmpty}>
        {result ? 'No problems found.' : 'Problems appear here as you type.'}
      </p>
    );
  }
  return (
    <ul className="divide-y divide-zinc-100 dark:divide-zinc-800" data-testid={testIds.templateEditor.problems}>
      {problems.map(({ issue, severity }, index) => (
        <li key={`${severity}-${index}`}>
          <button
            type="button"
            onClick={() => onSelect(issue)}
            className={cn(
              'flex w-full items-start gap-2.5 px-3 py-1.5 text-left text-xs hover:bg-zinc-50',
              'focus-visible:bg-zinc-50 dark:hover:bg-zinc-800/60 dark:focus-visible:bg-zinc-800/60',
            )}
            data-testid={testIds.templateEditor.problem}
            data-severity={severity}
            data-code={issue.code}
            data-line={issue.line ?? ''}
          >
            <span
              className={cn(
                'mt-0.5 shrink-0',
                severity === 'error' ? 'text-red-600 dark:text-red-400' : 'text-amber-600 dark:text-amber-400',
              )}
            >
              {severity === 'error' ? <IconAlert size={13} /> : <IconInfo size={13} />}
            </span>
            <span className="min-w-0 flex-1">
              <span className="text-zinc-800 dark:text-zinc-200">{issue.message}</span>
              {issue.path && <span className="ml-2 font-mono text-zinc-500">{issue.path}</span>}
            </span>
            <span className="shrink-0 font-mono text-[11px] text-zinc-400">{issue.code}</span>
            <span className="min-w-20 shrink-0 text-right font-mono text-[11px] whitespace-nowrap text-zinc-500">
              {issue.line ? `Ln ${issue.line}${issue.column ? `, Col ${issue.column}` : ''}` : ''}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
