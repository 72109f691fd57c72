/** @jsxRuntime automatic */
import { useState, type KeyboardEvent } from 'react';
import { IconChevronRight } from '../../../components/ui/icons.tsx';
import type { ComponentHealthNode } from '../../../lib/api/types.ts';
import { cn } from '../../../lib/cn.ts';
import { relativeTime } from '../../../lib/format.ts';
import { testIds } from '../../../lib/testids.ts';
import {
  childrenOf,
  initialExpanded,
  nodeTone,
  statusLabel,
  summarizeHealth,
  type HealthTone,
} from './health-tree-model.ts';

const dotByTone: Record<HealthTone, string> = {
  ok: 'bg-emerald-500',
  starting: 'bg-sky-500',
  warning: 'bg-amber-500',
  error: 'bg-red-500',
};
const textByTone: Record<HealthTone, string> = {
  ok: 'text-emerald-700 dark:text-emerald-400',
  starting: 'text-sky-700 dark:text-sky-400',
  warning: 'text-amber-700 dark:text-amber-400',
  error: 'text-red-700 dark:text-red-400',
};

export interface HealthTreeProps {
  root: ComponentHealthNode;
  rootLabel?: string;
  now?: number;
}

/** The agent's ComponentHealth as a collapsible tree (pipelines → receivers/processors/exporters). */
export function HealthTree({ root, rootLabel = 'Collector', now }: HealthTreeProps) {
  const [expanded, setExpanded] = useState<Set<string>>(() => initialExpanded(root));
  const summary = summarizeHealth(root);
  const toggle = (path: string) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (next.has(path)) next.delete(path);
      else next.add(path);
      return next;
    });

  return (
    <div data-testid={testIds.agentDetail.healthTree}>
      <p className="mb-2 text-xs text-zinc-500 dark:text-zinc-400">
        {summary.total} components ·{' '}
        {summary.unhealthy === 0 ? (
          <span className="text-emerald-700 dark:text-emerald-400">all healthy</span>
        ) : (
          <span className="text-red-700 dark:text-red-400">{summary.unhealthy} unhealthy</span>
        )}
      </p>
      <ul role="tree" aria-label="Component health" className="text-sm">
        <TreeItem name={rootLabel} node={root} path="root" depth={0} expanded={expanded} onToggle={toggle} now={now} />
      </ul>
    </div>
  );
}

interface TreeItemProps {
  name: string;
  node: ComponentHealthNode;
  path: string;
  depth: number;
  expanded: Set<string>;
  onToggle: (path: string) => void;
  now?: number;
}

function TreeItem({ name, node, path, depth, expanded, onToggle, now }: TreeItemProps) {
  const children = childrenOf(node);
  const hasChildren = children.length > 0;
  const isOpen = hasChildren && expanded.has(path);
  const tone = nodeTone(node);
  const [kind, ...rest] = name.includes(':') ? name.split(':') : ['', name];
  const label = rest.join(':') || name;

  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (!hasChildren) return;
    if ((event.key === 'ArrowRight' && !isOpen) || (event.key === 'ArrowLeft' && isOpen)) {
      event.preventDefault();
      onToggle(path);
    }
  };

  return (
    <li
      role="treeitem"
      aria-expanded={hasChildren ? isOpen : undefined}
      aria-selected={false}
      data-testid={testIds.agentDetail.healthTreeNode}
      data-path={path}
      data-healthy={String(node.healthy)}
      data-tone={tone}
    >
      <div
        className="group flex items-start gap-1.5 rounded-md py-1 pr-2 hover:bg-zinc-50 dark:hover:bg-zinc-800/50"
        style={{ paddingLeft: `${depth * 18 + 4}px` }}
      >
        {hasChildren ? (
          <button
            type="button"
            onClick={() => onToggle(path)}
            onKeyDown={onKeyDown}
            aria-label={`${isOpen ? 'Collapse' : 'Expand'} ${name}`}
            data-testid={testIds.agentDetail.healthTreeToggle}
            className={cn(
              'mt-0.5 rounded p-0.5 text-zinc-400 hover:bg-zinc-200 hover:text-zinc-700',
              'dark:hover:bg-zinc-700 dark:hover:text-zinc-200',
            )}
          >
            <IconChevronRight size={14} className={cn('transition-transform', isOpen && 'rotate-90')} />
          </button>
        ) : (
          <span className="w-[22px] shrink-0" />
        )}
        <span className={cn('mt-[7px] size-2 shrink-0 rounded-full', dotByTone[tone])} aria-hidden="true" />
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-baseline gap-x-2">
            {kind && <span className="text-[11px] font-medium tracking-wide text-zinc-400 uppercase">{kind}</span>}
            <span className="font-mono text-[13px] text-zinc-800 dark:text-zinc-200">{label}</span>
            <span className={cn('text-xs font-medium', textByTone[tone])}>{statusLabel(node)}</span>
            {node.status_time && (
              <span className="text-[11px] text-zinc-400">{relativeTime(node.status_time, now)}</span>
            )}
          </div>
          {node.last_error && (
            <p className="mt-0.5 font-mono text-xs break-words text-red-700 dark:text-red-400">{node.last_error}</p>
          )}
        </div>
      </div>
      {isOpen && (
        <ul role="group">
          {children.map(([childName, child]) => (
            <TreeItem
              key={childName}
              name={childName}
              node={child}
              path={`${path}/${childName}`}
              depth={depth + 1}
              expanded={expanded}
              onToggle={onToggle}
              now={now}
            />
          ))}
        </ul>
      )}
    </li>
  );
}
