/** @jsxRuntime automatic */
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { LogSeverity } from '@flowgate/config-model';
import { Badge } from '../../../components/ui/badge.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Card } from '../../../components/ui/card.tsx';
import { InlineError } from '../../../components/ui/error-state.tsx';
import { Input, Select } from '../../../components/ui/form.tsx';
import { IconBolt, IconCheck } from '../../../components/ui/icons.tsx';
import type { LogPattern, Suggestion } from '../../../lib/api/types.ts';
import { compactNumber } from '../../../lib/format.ts';
import { testIds } from '../../../lib/testids.ts';
import { logsApi } from '../api/logs-api.ts';
import { buildAction, lowCardinalityVariables, type ActionKind, type StudioAction } from '../model.ts';
import { SeverityMix, Template } from './pattern-table.tsx';

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <div className="text-[11px] font-medium uppercase tracking-wide text-zinc-500">{label}</div>
      <div className="mt-0.5 text-sm font-semibold tabular-nums text-zinc-900 dark:text-zinc-100">{value}</div>
    </div>
  );
}

export function PatternDetail({
  orgId,
  pattern,
  names,
  canWrite,
  onNames,
  onAction,
}: {
  orgId: string;
  pattern: LogPattern;
  names: Record<number, string>;
  canWrite: boolean;
  onNames: (names: Record<number, string>) => void;
  onAction: (action: StudioAction) => void;
}) {
  const [oneIn, setOneIn] = useState(10);
  const [severity, setSeverity] = useState<LogSeverity>('warn');
  const [variable, setVariable] = useState(0);
  const [mapping, setMapping] = useState<{ match: string; severity: string }[] | undefined>(undefined);
  const [metricBy, setMetricBy] = useState<number[]>(() => lowCardinalityVariables(pattern));
  const suggest = useMutation({
    mutationFn: () =>
      logsApi.suggest(orgId, {
        template: pattern.template,
        examples: pattern.examples,
        headers: pattern.headers,
        variables: pattern.variables.map((v) => ({
          index: v.index,
          token: v.token,
          values: v.values.slice(0, 10).map((x) => x.value.slice(0, 1000)),
        })),
      }),
  });
  const suggestion: Suggestion | undefined = suggest.data;
  const nameOf = (i: number) => names[i] ?? pattern.variables[i]?.name ?? `var${i}`;
  const add = (kind: ActionKind) =>
    onAction(buildAction(kind, pattern, { oneIn, severity, variable, names, attributes: metricBy, mapping }));
  const noLevel = Object.keys(pattern.severities).every((s) => s === 'unknown');
  const hasVariables = pattern.variables.length > 0;
  const plain = Boolean(pattern.parse_regex);

  return (
    <Card
      title="Pattern"
      description={`${pattern.id} · header ${pattern.headers[0] || 'none'}`}
      data-testid={testIds.logs.detail}
    >
      <div className="space-y-4">
        <div className="rounded-lg bg-zinc-50 p-3 dark:bg-zinc-950">
          <Template text={pattern.template} className="break-all" />
        </div>
        <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
          <Stat label="Lines" value={compactNumber(pattern.count)} />
          <Stat label="Share" value={`${(pattern.share * 100).toFixed(1)}%`} />
          <Stat label="First seen" value={pattern.first_seen.time ?? `line ${pattern.first_seen.line + 1}`} />
          <Stat label="Last seen" value={pattern.last_seen.time ?? `line ${pattern.last_seen.line + 1}`} />
        </div>
        <SeverityMix severities={pattern.severities} />

        {hasVariables && (
          <div>
            <div className="mb-1.5 flex items-center justify-between">
              <h3 className="text-xs font-semibold text-zinc-700 dark:text-zinc-300">Variables</h3>
              {canWrite && (
                <Button
                  size="sm"
                  variant="ghost"
                  icon={<IconBolt size={13} />}
                  loading={suggest.isPending}
                  onClick={() => suggest.mutate()}
                  data-testid={testIds.logs.suggest}
                >
                  Suggest names
                </Button>
              )}
            </div>
            <div className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
              {pattern.variables.map((v) => (
                <div
                  key={v.index}
                  className="grid grid-cols-[9rem_1fr] gap-3 px-3 py-2"
                  data-testid={testIds.logs.variableRow}
                  data-index={v.index}
                  data-name={nameOf(v.index)}
                >
                  <div className="min-w-0">
                    <div className="truncate font-mono text-xs font-medium text-zinc-900 dark:text-zinc-100">
                      {nameOf(v.index)}
                    </div>
                    <div className="text-[11px] text-zinc-500">
                      {v.shape} · {v.distinct_capped ? `${v.distinct}+` : v.distinct} distinct
                    </div>
                  </div>
                  <div className="flex min-w-0 flex-wrap gap-1">
                    {v.values.slice(0, 6).map((x) => (
                      <span
                        key={x.value}
                        className="max-w-[16rem] truncate rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-[11px] text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300"
                        title={`${x.value} — ${x.count} lines`}
                      >
                        {x.value || '∅'} <span className="text-zinc-400">×{compactNumber(x.count)}</span>
                      </span>
                    ))}
                  </div>
                </div>
              ))}
            </div>
            <InlineError error={suggest.error} />
            {suggestion && (
              <div
                className="mt-2 rounded-lg border border-accent-200 bg-accent-50/60 p-3 text-xs dark:border-accent-900 dark:bg-accent-950/40"
                data-testid={testIds.logs.suggestion}
                data-source={suggestion.source}
              >
                <div className="mb-1.5 flex items-center justify-between gap-2">
                  <span className="font-medium text-zinc-800 dark:text-zinc-200">
                    {suggestion.source === 'ai' ? 'Suggested by your AI endpoint' : 'Suggested from the values'}
                  </span>
                  <Button
                    size="sm"
                    variant="secondary"
                    icon={<IconCheck size={13} />}
                    onClick={() => {
                      onNames(Object.fromEntries(suggestion.variables.map((v) => [v.index, v.name])));
                      if (suggestion.severity) {
                        setVariable(suggestion.severity.variable);
                        setMapping(suggestion.severity.mapping);
                      }
                    }}
                    data-testid={testIds.logs.acceptSuggestion}
                  >
                    Use these names
                  </Button>
                </div>
                <p className="font-mono text-zinc-700 dark:text-zinc-300">
                  {suggestion.variables.map((v) => v.name).join(', ')}
                </p>
                {suggestion.severity && (
                  <p className="mt-1 text-zinc-600 dark:text-zinc-400">
                    Severity from {suggestion.variables[suggestion.severity.variable]?.name ?? 'a variable'}:{' '}
                    {suggestion.severity.mapping.map((m) => `${m.match} → ${m.severity}`).join(', ')}
                  </p>
                )}
                {suggestion.notes.map((n) => (
                  <p key={n} className="mt-1 text-zinc-500">
                    {n}
                  </p>
                ))}
              </div>
            )}
          </div>
        )}

        <div>
          <h3 className="mb-1.5 text-xs font-semibold text-zinc-700 dark:text-zinc-300">Examples</h3>
          <div className="space-y-1">
            {pattern.examples.map((e) => (
              <pre
                key={e}
                className="overflow-x-auto whitespace-pre rounded-md bg-zinc-50 px-2 py-1 font-mono text-[11px] text-zinc-700 dark:bg-zinc-950 dark:text-zinc-300"
              >
                {e}
              </pre>
            ))}
          </div>
        </div>

        {canWrite && (
          <div className="space-y-2 border-t border-zinc-100 pt-3 dark:border-zinc-800">
            <h3 className="text-xs font-semibold text-zinc-700 dark:text-zinc-300">Act on this pattern</h3>
            <div className="flex flex-wrap items-center gap-2">
              <ActionButton kind="drop" onClick={add} />
              <div className="flex items-center gap-1">
                <ActionButton kind="sample" label="Sample 1 in" onClick={add} />
                <Input
                  type="number"
                  min={2}
                  className="w-16"
                  value={oneIn}
                  onChange={(e) => setOneIn(Math.max(2, Number(e.target.value) || 2))}
                  data-testid={testIds.logs.oneIn}
                  aria-label="Keep one line in"
                />
              </div>
              <ActionButton kind="to_metric" onClick={add} />
              {plain && hasVariables && (
                <div className="flex flex-wrap items-center gap-1 text-xs text-zinc-500" aria-label="Metric attributes">
                  by
                  {pattern.variables.map((v) => {
                    const on = metricBy.includes(v.index);
                    return (
                      <button
                        key={v.index}
                        type="button"
                        aria-pressed={on}
                        data-testid={testIds.logs.metricAttribute}
                        data-index={v.index}
                        onClick={() =>
                          setMetricBy(on ? metricBy.filter((i) => i !== v.index) : [...metricBy, v.index].sort())
                        }
                        className={
                          on
                            ? 'rounded-md bg-accent-100 px-1.5 py-0.5 font-mono text-accent-700 dark:bg-accent-900/60 dark:text-accent-300'
                            : 'rounded-md px-1.5 py-0.5 font-mono text-zinc-500 ring-1 ring-inset ring-zinc-200 dark:ring-zinc-700'
                        }
                      >
                        {nameOf(v.index)}
                      </button>
                    );
                  })}
                </div>
              )}
            </div>
            <div className="flex flex-wrap items-center gap-2">
              <div className="flex items-center gap-1">
                <ActionButton kind="min_severity" label="Keep only ≥" onClick={add} />
                <Select
                  className="w-28"
                  value={severity}
                  onChange={(e) => setSeverity(e.target.value as LogSeverity)}
                  data-testid={testIds.logs.severity}
                  aria-label="Lowest severity kept"
                >
                  {(['debug', 'info', 'warn', 'error', 'fatal'] as const).map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </Select>
              </div>
              <ActionButton kind="parse" onClick={add} />
            </div>
            {noLevel && (
              <p className="text-xs text-zinc-500">
                These lines carry no level the gateway can read: “Keep only ≥” keeps them unless a severity is set first
                — choose the variable holding the level and “Severity from it”.
              </p>
            )}
            {hasVariables && plain && (
              <div className="flex flex-wrap items-center gap-2">
                <Select
                  className="w-40"
                  value={variable}
                  onChange={(e) => setVariable(Number(e.target.value))}
                  data-testid={testIds.logs.variableSelect}
                  aria-label="Variable"
                >
                  {pattern.variables.map((v) => (
                    <option key={v.index} value={v.index}>
                      {nameOf(v.index)}
                    </option>
                  ))}
                </Select>
                <ActionButton kind="redact" label="Redact it" onClick={add} />
                <ActionButton kind="set_severity" label="Severity from it" onClick={add} />
              </div>
            )}
            {!plain && (
              <p className="text-xs text-zinc-500">
                <Badge tone="muted">{pattern.headers[0]}</Badge> lines: parse them as{' '}
                {pattern.headers[0] === 'json' ? 'JSON' : 'key=value'}; variables of structured lines are attributes
                once parsed.
              </p>
            )}
          </div>
        )}
      </div>
    </Card>
  );
}

function ActionButton({
  kind,
  label,
  onClick,
}: {
  kind: ActionKind;
  label?: string;
  onClick: (k: ActionKind) => void;
}) {
  const labels: Record<ActionKind, string> = {
    drop: 'Drop',
    sample: 'Sample',
    min_severity: 'Keep only ≥',
    parse: 'Parse into attributes',
    set_severity: 'Severity from it',
    redact: 'Redact it',
    to_metric: 'To metric',
  };
  return (
    <Button variant="secondary" onClick={() => onClick(kind)} data-testid={testIds.logs.action} data-kind={kind}>
      {label ?? labels[kind]}
    </Button>
  );
}
