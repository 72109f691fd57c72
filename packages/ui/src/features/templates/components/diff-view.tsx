/** @jsxRuntime automatic */
import { Fragment } from 'react';
import { cn } from '../../../lib/cn.ts';
import { testIds } from '../../../lib/testids.ts';
import { diffStats, inlineChange, parseUnifiedDiff, toSideBySide, type SideCell } from './unified-diff.ts';

export interface DiffViewProps {
  diff: string;
  fromLabel: string;
  toLabel: string;
}

/** Side-by-side rendering of a unified diff: old version left, new version right. */
export function DiffView({ diff, fromLabel, toLabel }: DiffViewProps) {
  const parsed = parseUnifiedDiff(diff);
  const rows = toSideBySide(parsed);
  const stats = diffStats(parsed);

  return (
    <div
      className="overflow-hidden rounded-lg border border-zinc-200 dark:border-zinc-800"
      data-testid={testIds.templateEditor.diffView}
    >
      <div
        className={cn(
          'grid grid-cols-2 border-b border-zinc-200 bg-zinc-50 text-xs font-medium text-zinc-600',
          'dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-400',
        )}
      >
        <div className="flex items-center justify-between border-r border-zinc-200 px-3 py-2 dark:border-zinc-800">
          <span>{fromLabel}</span>
          <span className="font-mono text-red-600 dark:text-red-400">−{stats.removed}</span>
        </div>
        <div className="flex items-center justify-between px-3 py-2">
          <span>{toLabel}</span>
          <span
            className="font-mono text-emerald-600 dark:text-emerald-400"
            data-testid={testIds.templateEditor.diffStats}
            data-added={stats.added}
            data-removed={stats.removed}
          >
            +{stats.added}
          </span>
        </div>
      </div>
      {rows.length === 0 ? (
        <p className="px-3 py-8 text-center text-sm text-zinc-500">These versions are identical.</p>
      ) : (
        <div className="max-h-[calc(100vh-20rem)] overflow-auto">
          <table className="w-full table-fixed border-collapse font-mono text-[12px] leading-5">
            <colgroup>
              <col className="w-11" />
              <col />
              <col className="w-11" />
              <col />
            </colgroup>
            <tbody>
              {rows.map((row, index) =>
                row.type === 'gap' ? (
                  <tr
                    key={index}
                    className="bg-accent-50/60 text-accent-700 dark:bg-accent-950/30 dark:text-accent-300"
                    data-testid={testIds.templateEditor.diffRow}
                    data-kind="gap"
                  >
                    <td colSpan={4} className="px-3 py-1 text-[11px]">
                      {row.hidden > 0 ? `⋯ ${row.hidden} unchanged ${row.hidden === 1 ? 'line' : 'lines'}` : '⋯'}
                      {row.section && <span className="ml-2 text-zinc-500">{row.section}</span>}
                    </td>
                  </tr>
                ) : (
                  <tr
                    key={index}
                    data-testid={testIds.templateEditor.diffRow}
                    data-kind={row.changed ? 'change' : 'context'}
                    data-left={row.left?.kind ?? 'empty'}
                    data-right={row.right?.kind ?? 'empty'}
                  >
                    <Side cell={row.left} other={row.right} />
                    <Side cell={row.right} other={row.left} right />
                  </tr>
                ),
              )}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function Side({ cell, other, right = false }: { cell: SideCell | null; other: SideCell | null; right?: boolean }) {
  if (!cell) {
    return (
      <>
        <td
          className={cn('bg-zinc-50 dark:bg-zinc-900/60', !right && 'border-r border-zinc-200 dark:border-zinc-800')}
        />
        <td
          className={cn('bg-zinc-50 dark:bg-zinc-900/60', !right && 'border-r border-zinc-200 dark:border-zinc-800')}
        />
      </>
    );
  }
  const tone =
    cell.kind === 'del'
      ? 'bg-red-50 text-red-900 dark:bg-red-950/40 dark:text-red-200'
      : cell.kind === 'add'
        ? 'bg-emerald-50 text-emerald-900 dark:bg-emerald-950/40 dark:text-emerald-200'
        : 'text-zinc-700 dark:text-zinc-300';
  const numberTone =
    cell.kind === 'del'
      ? 'bg-red-100/70 dark:bg-red-950/60'
      : cell.kind === 'add'
        ? 'bg-emerald-100/70 dark:bg-emerald-950/60'
        : '';
  const paired = other && other.kind !== 'context' && cell.kind !== 'context';
  let content = <>{cell.text || ' '}</>;
  if (paired) {
    const change = cell.kind === 'del' ? inlineChange(cell.text, other.text) : inlineChange(other.text, cell.text);
    const middle = cell.kind === 'del' ? change.before : change.after;
    content = (
      <Fragment>
        {change.prefix}
        {middle && (
          <mark
            className={cn(
              'rounded-sm',
              cell.kind === 'del'
                ? 'bg-red-200/80 text-inherit dark:bg-red-800/60'
                : 'bg-emerald-200/80 text-inherit dark:bg-emerald-800/60',
            )}
          >
            {middle}
          </mark>
        )}
        {change.suffix}
      </Fragment>
    );
  }
  return (
    <>
      <td className={cn('px-2 text-right align-top text-zinc-400 select-none', numberTone)}>{cell.no}</td>
      <td
        className={cn(
          'px-2 align-top whitespace-pre-wrap [overflow-wrap:anywhere]',
          tone,
          !right && 'border-r border-zinc-200 dark:border-zinc-800',
        )}
      >
        <span className="mr-1 select-none opacity-50">
          {cell.kind === 'del' ? '−' : cell.kind === 'add' ? '+' : ' '}
        </span>
        {content}
      </td>
    </>
  );
}
