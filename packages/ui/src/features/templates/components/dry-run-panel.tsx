/** @jsxRuntime automatic */
import { useState, type FormEvent } from 'react';
import { Badge, type Tone } from '../../../components/ui/badge.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Card } from '../../../components/ui/card.tsx';
import { CodeBlock } from '../../../components/ui/code-block.tsx';
import { EmptyState } from '../../../components/ui/empty-state.tsx';
import { ErrorState } from '../../../components/ui/error-state.tsx';
import { Field, Select, Textarea } from '../../../components/ui/form.tsx';
import { IconPlay } from '../../../components/ui/icons.tsx';
import type { DryRunBody, DryRunResult, SignalCounts } from '../../../lib/api/types.ts';
import { compactNumber } from '../../../lib/format.ts';
import { testIds } from '../../../lib/testids.ts';
import { useDryRun } from '../hooks/use-templates.ts';
import { changePercent, compareCounts, type CountChange } from './dry-run-model.ts';

type SampleChoice = 'metrics' | 'logs' | 'all' | 'custom';

const changeTone: Record<CountChange, Tone> = {
  dropped: 'danger',
  reduced: 'warning',
  unchanged: 'muted',
  increased: 'info',
  added: 'accent',
};

/** Runs the template's processors on sample telemetry and shows what goes in and what comes out. */
export function DryRunPanel({ templateId, latestVersion }: { templateId: string; latestVersion: number }) {
  const dryRun = useDryRun(templateId);
  const [sample, setSample] = useState<SampleChoice>('metrics');
  const [version, setVersion] = useState<number>(latestVersion);
  const [custom, setCustom] = useState('');
  const [customError, setCustomError] = useState<string | null>(null);

  const run = (event: FormEvent) => {
    event.preventDefault();
    let body: DryRunBody;
    if (sample === 'custom') {
      try {
        body = { version, sample: { otlp_json: JSON.parse(custom) as unknown } };
        setCustomError(null);
      } catch (e) {
        setCustomError(`Not valid JSON: ${(e as Error).message}`);
        return;
      }
    } else {
      body = { version, sample };
    }
    dryRun.mutate(body);
  };

  return (
    <div className="grid gap-5 lg:grid-cols-[18rem_1fr]">
      <form onSubmit={run} className="space-y-4">
        <Field label="Version">
          {(id) => (
            <Select
              id={id}
              value={version}
              onChange={(e) => setVersion(Number(e.target.value))}
              data-testid={testIds.templateEditor.dryRunVersion}
            >
              {Array.from({ length: latestVersion }, (_, i) => latestVersion - i).map((v) => (
                <option key={v} value={v}>
                  v{v}
                  {v === latestVersion ? ' (latest)' : ''}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="Sample telemetry" hint="Built-in samples are realistic host and app signals.">
          {(id) => (
            <Select
              id={id}
              value={sample}
              onChange={(e) => setSample(e.target.value as SampleChoice)}
              data-testid={testIds.templateEditor.dryRunSample}
            >
              <option value="metrics">Metrics sample</option>
              <option value="logs">Logs sample</option>
              <option value="all">Metrics and logs</option>
              <option value="custom">My own OTLP JSON…</option>
            </Select>
          )}
        </Field>
        {sample === 'custom' && (
          <Field label="OTLP JSON" error={customError ?? undefined}>
            {(id) => (
              <Textarea
                id={id}
                rows={8}
                className="font-mono text-xs"
                placeholder='{"resourceMetrics": [...]}'
                value={custom}
                onChange={(e) => setCustom(e.target.value)}
              />
            )}
          </Field>
        )}
        <Button
          type="submit"
          variant="primary"
          icon={<IconPlay size={14} />}
          loading={dryRun.isPending}
          data-testid={testIds.templateEditor.dryRunRun}
        >
          Run dry-run
        </Button>
        <p className="text-xs text-zinc-500">
          The processors run in a real collector process on the server; nothing is sent to your backends.
        </p>
      </form>
      <div className="min-w-0">
        {dryRun.isError ? (
          <ErrorState error={dryRun.error} title="The dry-run did not complete" />
        ) : dryRun.data ? (
          <DryRunResultView result={dryRun.data} />
        ) : (
          <Card>
            <EmptyState
              className="py-8"
              icon={<IconPlay size={18} />}
              title="See what this template does to real data"
              description={
                'Run it on a sample to compare what comes in with what leaves: which metrics are dropped, ' +
                'which log severities are filtered, how many data points remain.'
              }
            />
          </Card>
        )}
      </div>
    </div>
  );
}

function DryRunResultView({ result }: { result: DryRunResult }) {
  const signals: { key: keyof Omit<SignalCounts, 'by_metric' | 'by_severity'>; label: string }[] = [
    { key: 'metrics', label: 'Metrics' },
    { key: 'data_points', label: 'Data points' },
    { key: 'logs', label: 'Log records' },
    { key: 'spans', label: 'Spans' },
  ];
  const byMetric = compareCounts(result.input_counts.by_metric, result.output_counts.by_metric);
  const bySeverity = compareCounts(result.input_counts.by_severity, result.output_counts.by_severity);
  return (
    <div className="space-y-4" data-testid={testIds.templateEditor.dryRunResult}>
      <div className="grid grid-cols-2 gap-3 xl:grid-cols-4">
        {signals.map(({ key, label }) => {
          const i = result.input_counts[key];
          const o = result.output_counts[key];
          return (
            <div
              key={key}
              className="rounded-xl border border-zinc-200 bg-white px-3 py-2.5 dark:border-zinc-800 dark:bg-zinc-900"
            >
              <p className="text-xs text-zinc-500">{label}</p>
              <p className="mt-1 text-lg font-semibold tabular-nums">
                {compactNumber(i)} <span className="text-zinc-400">→</span> {compactNumber(o)}
              </p>
              <p className={o < i ? 'text-xs text-emerald-700 dark:text-emerald-400' : 'text-xs text-zinc-500'}>
                {i === 0 && o === 0 ? 'none in sample' : changePercent(i, o)}
              </p>
            </div>
          );
        })}
      </div>
      {byMetric.length > 0 && <CountsTable title="By metric name" rows={byMetric} />}
      {bySeverity.length > 0 && <CountsTable title="By log severity" rows={bySeverity} />}
      <p className="text-xs text-zinc-500">Ran in {result.duration_ms} ms.</p>
      <div className="grid gap-3 xl:grid-cols-2">
        <details>
          <summary className="cursor-pointer text-xs font-medium text-zinc-600 dark:text-zinc-400">
            Input (OTLP JSON)
          </summary>
          <CodeBlock
            className="mt-2"
            code={JSON.stringify(result.input, null, 2)}
            filename="dry-run-input.json"
            maxHeight="24rem"
          />
        </details>
        <details>
          <summary className="cursor-pointer text-xs font-medium text-zinc-600 dark:text-zinc-400">
            Output (OTLP JSON)
          </summary>
          <CodeBlock
            className="mt-2"
            code={JSON.stringify(result.output, null, 2)}
            filename="dry-run-output.json"
            maxHeight="24rem"
          />
        </details>
      </div>
    </div>
  );
}

function CountsTable({ title, rows }: { title: string; rows: ReturnType<typeof compareCounts> }) {
  return (
    <Card title={title} padded={false}>
      <table className="w-full text-sm">
        <thead className="text-xs text-zinc-500">
          <tr className="border-b border-zinc-100 dark:border-zinc-800">
            <th className="px-4 py-2 text-left font-medium">Name</th>
            <th className="px-4 py-2 text-right font-medium">Input</th>
            <th className="px-4 py-2 text-right font-medium">Output</th>
            <th className="px-4 py-2 text-right font-medium">Change</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {rows.map((row) => (
            <tr
              key={row.name}
              data-testid={testIds.templateEditor.dryRunRow}
              data-name={row.name}
              data-change={row.change}
            >
              <td className="px-4 py-1.5 font-mono text-xs">{row.name}</td>
              <td className="px-4 py-1.5 text-right tabular-nums">{compactNumber(row.input)}</td>
              <td className="px-4 py-1.5 text-right tabular-nums">{compactNumber(row.output)}</td>
              <td className="px-4 py-1.5 text-right">
                <Badge tone={changeTone[row.change]}>
                  {row.change === 'unchanged'
                    ? 'unchanged'
                    : row.change === 'dropped'
                      ? 'dropped'
                      : changePercent(row.input, row.output)}
                </Badge>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}
