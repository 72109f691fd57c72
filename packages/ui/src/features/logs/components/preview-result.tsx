/** @jsxRuntime automatic */
import { Card } from '../../../components/ui/card.tsx';
import { Table, TBody, Td, Th, THead, Tr } from '../../../components/ui/table.tsx';
import type { PreviewLogsResult } from '../../../lib/api/types.ts';
import { compactNumber } from '../../../lib/format.ts';
import { testIds } from '../../../lib/testids.ts';
import { formatBytes, formatUsd } from '../model.ts';
import { Template } from './pattern-table.tsx';

const BACKENDS: { key: 'datadog' | 'google_cloud' | 'grafana_cloud'; label: string }[] = [
  { key: 'datadog', label: 'Datadog' },
  { key: 'google_cloud', label: 'Google Cloud Logging' },
  { key: 'grafana_cloud', label: 'Grafana Cloud Logs' },
];

function BeforeAfter({
  label,
  before,
  after,
  format,
}: {
  label: string;
  before: number;
  after: number;
  format: (n: number) => string;
}) {
  const cut = before ? (before - after) / before : 0;
  return (
    <div className="rounded-xl border border-zinc-200 bg-white px-3 py-2.5 dark:border-zinc-800 dark:bg-zinc-900">
      <p className="text-xs text-zinc-500">{label}</p>
      <p className="mt-1 text-lg font-semibold tabular-nums">
        {format(before)} <span className="text-zinc-400">→</span> {format(after)}
      </p>
      <p className={cut > 0 ? 'text-xs text-emerald-700 dark:text-emerald-400' : 'text-xs text-zinc-500'}>
        {cut > 0 ? `−${(cut * 100).toFixed(1)}%` : cut < 0 ? `+${(-cut * 100).toFixed(1)}%` : 'unchanged'}
      </p>
    </div>
  );
}

export function PreviewResult({ result }: { result: PreviewLogsResult }) {
  const perDay = result.per_day;
  return (
    <Card
      title="Preview"
      description={`The sample ran through the gateway collector in ${(result.duration_ms / 1000).toFixed(1)} s; nothing was sent to a backend.`}
      data-testid={testIds.logs.previewResult}
    >
      <div className="space-y-4">
        <div className="grid gap-3 sm:grid-cols-2 xl:grid-cols-4">
          <BeforeAfter label="Lines" before={result.before.lines} after={result.after.lines} format={compactNumber} />
          <BeforeAfter label="Bytes" before={result.before.bytes} after={result.after.bytes} format={formatBytes} />
          <div
            className="rounded-xl border border-emerald-200 bg-emerald-50/60 px-3 py-2.5 dark:border-emerald-900 dark:bg-emerald-950/30"
            data-testid={testIds.logs.savedPerDay}
          >
            <p className="text-xs text-emerald-800 dark:text-emerald-300">Saved per day</p>
            <p className="mt-1 text-lg font-semibold tabular-nums text-emerald-900 dark:text-emerald-200">
              {perDay ? formatBytes(perDay.bytes_saved) : '—'}
            </p>
            <p className="text-xs text-emerald-800/80 dark:text-emerald-300/80">
              {perDay
                ? `${compactNumber(perDay.lines_saved)} lines at the sample's rate`
                : 'give the period the sample covers'}
            </p>
          </div>
          <div
            className="rounded-xl border border-zinc-200 bg-white px-3 py-2.5 dark:border-zinc-800 dark:bg-zinc-900"
            data-testid={testIds.logs.savedShare}
          >
            <p className="text-xs text-zinc-500">Share of bytes removed</p>
            <p className="mt-1 text-lg font-semibold tabular-nums">{(result.saved.share * 100).toFixed(1)}%</p>
            <p className="text-xs text-zinc-500">{compactNumber(result.saved.lines)} lines in the sample</p>
          </div>
        </div>

        {perDay && (
          <div className="grid gap-3 sm:grid-cols-3">
            {BACKENDS.map((b) => {
              const source = result.price_sources[b.key];
              return (
                <div
                  key={b.key}
                  className="rounded-lg border border-zinc-200 px-3 py-2 dark:border-zinc-800"
                  data-testid={testIds.logs.usd}
                  data-backend={b.key}
                >
                  <p className="text-xs text-zinc-500">{b.label}</p>
                  <p className="mt-0.5 text-base font-semibold tabular-nums">
                    {formatUsd(perDay.usd_saved[b.key])}
                    <span className="text-xs font-normal text-zinc-500"> / day</span>
                    <span className="ml-2 text-xs font-normal text-zinc-500">
                      ≈ {formatUsd(perDay.usd_saved[b.key] * 30)} / month
                    </span>
                  </p>
                  {source && (
                    <a
                      href={source.url}
                      target="_blank"
                      rel="noreferrer"
                      className="text-[11px] text-accent-600 hover:underline dark:text-accent-400"
                      title={source.note}
                    >
                      List price, {source.as_of}
                    </a>
                  )}
                </div>
              );
            })}
          </div>
        )}

        {result.metrics.length > 0 && (
          <p className="text-xs text-zinc-600 dark:text-zinc-400">
            Metrics produced:{' '}
            {result.metrics.map((m) => (
              <span key={m.name} className="mr-2 font-mono">
                {m.name}
                {m.attributes.length ? `{${m.attributes.join(', ')}}` : ''} ({m.points} points)
              </span>
            ))}
          </p>
        )}

        {result.per_pattern.length > 0 && (
          <Table>
            <THead>
              <tr>
                <Th>Pattern</Th>
                <Th className="w-36 text-right">Lines</Th>
                <Th className="w-44 text-right">Bytes</Th>
              </tr>
            </THead>
            <TBody>
              {result.per_pattern.map((p) => (
                <Tr key={p.id} data-testid={testIds.logs.previewPattern} data-id={p.id}>
                  <Td className="max-w-0">
                    <div className="truncate" title={p.template}>
                      <Template text={p.template} />
                    </div>
                  </Td>
                  <Td className="text-right tabular-nums">
                    {compactNumber(p.before.lines)} → {compactNumber(p.after.lines)}
                  </Td>
                  <Td className="text-right tabular-nums">
                    {formatBytes(p.before.bytes)} → {formatBytes(p.after.bytes)}
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        )}

        {result.examples_after.length > 0 && (
          <details>
            <summary className="cursor-pointer text-xs font-medium text-zinc-600 dark:text-zinc-400">
              Lines as the collector exported them
            </summary>
            <div className="mt-2 space-y-1">
              {result.examples_after.map((l, i) => (
                <pre
                  key={i}
                  className="overflow-x-auto rounded-md bg-zinc-50 px-2 py-1 font-mono text-[11px] dark:bg-zinc-950"
                >
                  {l}
                </pre>
              ))}
            </div>
          </details>
        )}
        {result.notes.length > 0 && (
          <ul className="list-disc space-y-0.5 pl-5 text-xs text-zinc-500">
            {result.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        )}
      </div>
    </Card>
  );
}
