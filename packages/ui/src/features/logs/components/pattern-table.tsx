/** @jsxRuntime automatic */
import { Badge, type Tone } from '../../../components/ui/badge.tsx';
import { Table, TBody, Td, Th, THead, Tr } from '../../../components/ui/table.tsx';
import type { LogPattern } from '../../../lib/api/types.ts';
import { cn } from '../../../lib/cn.ts';
import { compactNumber } from '../../../lib/format.ts';
import { testIds } from '../../../lib/testids.ts';
import { ACTION_LABELS, formatBytes, type StudioAction } from '../model.ts';

export const severityTone: Record<string, Tone> = {
  fatal: 'danger',
  error: 'danger',
  warn: 'warning',
  info: 'info',
  debug: 'muted',
  trace: 'muted',
  unknown: 'neutral',
};
const ORDER = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'unknown'];

export function SeverityMix({ severities }: { severities: Record<string, number> }) {
  const entries = Object.entries(severities).sort((a, b) => ORDER.indexOf(a[0]) - ORDER.indexOf(b[0]));
  return (
    <div className="flex flex-wrap gap-1">
      {entries.map(([s, n]) => (
        <Badge key={s} tone={severityTone[s] ?? 'neutral'}>
          {s === 'unknown' ? 'no level' : s} {entries.length > 1 ? compactNumber(n) : ''}
        </Badge>
      ))}
    </div>
  );
}

export function ShareBar({ share }: { share: number }) {
  return (
    <div className="flex items-center gap-2">
      <div className="h-1.5 w-20 overflow-hidden rounded-full bg-zinc-100 dark:bg-zinc-800">
        <div className="h-full rounded-full bg-accent-500" style={{ width: `${Math.max(share * 100, 1)}%` }} />
      </div>
      <span className="w-11 text-right text-xs tabular-nums text-zinc-600 dark:text-zinc-400">
        {(share * 100).toFixed(share < 0.1 ? 1 : 0)}%
      </span>
    </div>
  );
}

/** The template with its variables set apart. */
export function Template({ text, className }: { text: string; className?: string }) {
  const parts = text.split(/(<\*>)/);
  return (
    <code className={cn('font-mono text-xs text-zinc-800 dark:text-zinc-200', className)}>
      {parts.map((p, i) =>
        p === '<*>' ? (
          <span
            key={i}
            className="rounded bg-accent-100 px-0.5 text-accent-700 dark:bg-accent-900/60 dark:text-accent-300"
          >
            {'<*>'}
          </span>
        ) : (
          <span key={i}>{p}</span>
        ),
      )}
    </code>
  );
}

export function PatternTable({
  patterns,
  selected,
  actions,
  onSelect,
}: {
  patterns: LogPattern[];
  selected: string | null;
  actions: StudioAction[];
  onSelect: (id: string) => void;
}) {
  return (
    <Table data-testid={testIds.logs.patterns}>
      <THead>
        <tr>
          <Th className="w-36">Share of bytes</Th>
          <Th>Pattern</Th>
          <Th className="w-20 text-right">Lines</Th>
          <Th className="w-24 text-right">Bytes</Th>
          <Th className="w-44">Severity</Th>
          <Th className="w-40">Action</Th>
        </tr>
      </THead>
      <TBody>
        {patterns.map((p) => {
          const chosen = actions.filter((a) => a.patternId === p.id);
          return (
            <Tr
              key={p.id}
              data-testid={testIds.logs.patternRow}
              data-id={p.id}
              data-template={p.template}
              data-action={chosen.map((a) => a.kind).join(' ')}
              aria-selected={selected === p.id}
              interactive
              onClick={() => onSelect(p.id)}
              className={cn('cursor-pointer', selected === p.id && 'bg-accent-50/70 dark:bg-accent-950/40')}
            >
              <Td>
                <ShareBar share={p.share} />
              </Td>
              <Td className="max-w-0">
                <div className="truncate" title={p.template}>
                  <Template text={p.template} />
                </div>
              </Td>
              <Td className="text-right tabular-nums">{compactNumber(p.count)}</Td>
              <Td className="text-right tabular-nums">{formatBytes(p.bytes)}</Td>
              <Td>
                <SeverityMix severities={p.severities} />
              </Td>
              <Td>
                <div className="flex flex-wrap gap-1">
                  {chosen.map((a) => (
                    <Badge key={a.key} tone="accent">
                      {ACTION_LABELS[a.kind]}
                    </Badge>
                  ))}
                </div>
              </Td>
            </Tr>
          );
        })}
      </TBody>
    </Table>
  );
}
