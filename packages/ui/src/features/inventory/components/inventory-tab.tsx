/** @jsxRuntime automatic */
import { useMemo, useState } from 'react';
import { Badge } from '../../../components/ui/badge.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Card, StatCard } from '../../../components/ui/card.tsx';
import { ErrorState } from '../../../components/ui/error-state.tsx';
import { Input } from '../../../components/ui/form.tsx';
import { PageLoading } from '../../../components/ui/spinner.tsx';
import { Table, TBody, Td, Th, THead, Tr } from '../../../components/ui/table.tsx';
import { cn } from '../../../lib/cn.ts';
import { compactNumber, relativeTime } from '../../../lib/format.ts';
import { testIds } from '../../../lib/testids.ts';
import { useNow } from '../../../lib/use-now.ts';
import type { InventoryLogGroup, InventoryMetric } from '../api/inventory-api.ts';
import { useGatewayInventory } from '../hooks/use-inventory.ts';
import { formatBytes, totalsOf } from './inventory-model.ts';
import { MeasurementEmpty } from './gateway-bytes-card.tsx';
import { PipelineFlows, ReductionBadge } from './pipeline-flows.tsx';

const PAGE = 100;

function Exported({ inBytes, out }: { inBytes: number; out: { bytes_per_min: number } | null }) {
  if (out === null) return <span className="text-zinc-400">—</span>;
  if (out.bytes_per_min === 0 && inBytes > 0) return <Badge tone="warning">dropped</Badge>;
  return <span className="tabular-nums">{formatBytes(out.bytes_per_min)}</span>;
}

function LabelChips({ metric }: { metric: InventoryMetric }) {
  const top = metric.labels.slice(0, 3);
  const more = metric.labels.length - top.length;
  return (
    <div className="flex flex-wrap items-center gap-1">
      {top.map((l) => (
        <span
          key={l.name}
          className={cn(
            'inline-flex items-center gap-1 rounded-md bg-zinc-100 px-1.5 py-0.5 font-mono text-[11px]',
            'text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300',
          )}
          title={`${l.exact ? '' : '≈ '}${l.distinct} distinct values, e.g. ${l.examples.join(', ') || '—'}`}
          data-testid={testIds.inventory.metricLabel}
          data-name={l.name}
          data-distinct={String(l.distinct)}
        >
          {l.name}
          <span className="font-sans font-semibold text-zinc-900 tabular-nums dark:text-zinc-100">
            {l.exact ? '' : '≈'}
            {compactNumber(l.distinct)}
          </span>
        </span>
      ))}
      {more > 0 && <span className="text-[11px] text-zinc-400">+{more}</span>}
      {metric.labels.length === 0 && <span className="text-xs text-zinc-400">no labels</span>}
    </div>
  );
}

function MetricsTable({ metrics }: { metrics: InventoryMetric[] }) {
  const [query, setQuery] = useState('');
  const [limit, setLimit] = useState(PAGE);
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return q ? metrics.filter((m) => m.name.toLowerCase().includes(q)) : metrics;
  }, [metrics, query]);
  return (
    <Card
      title="Metrics"
      description="What the gateway receives, per metric name, largest first; exported = at the end of the pipeline"
      padded={false}
      actions={
        <Input
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder="Filter metrics…"
          aria-label="Filter metrics"
          className="h-8 w-56"
          data-testid={testIds.inventory.search}
        />
      }
    >
      <Table data-testid={testIds.inventory.metricsTable}>
        <THead>
          <tr>
            <Th>Metric</Th>
            <Th className="text-right">Series</Th>
            <Th className="text-right">Datapoints / min</Th>
            <Th className="text-right">Bytes / min</Th>
            <Th className="text-right">Exported / min</Th>
            <Th>Top labels (distinct values)</Th>
          </tr>
        </THead>
        <TBody>
          {shown.slice(0, limit).map((m) => (
            <Tr
              key={m.name}
              data-testid={testIds.inventory.metricRow}
              data-name={m.name}
              data-series={String(m.series)}
            >
              <Td className="max-w-[22rem]">
                <div className="truncate font-mono text-xs font-medium" title={m.name}>
                  {m.name}
                </div>
                <div className="text-[11px] text-zinc-500">
                  {m.type}
                  {m.unit ? ` · ${m.unit}` : ''}
                  {m.temporality ? ` · ${m.temporality}` : ''}
                </div>
              </Td>
              <Td className="text-right tabular-nums">{compactNumber(m.series)}</Td>
              <Td className="text-right tabular-nums">{compactNumber(m.datapoints_per_min)}</Td>
              <Td className="text-right tabular-nums">{formatBytes(m.bytes_per_min)}</Td>
              <Td className="text-right">
                <Exported inBytes={m.bytes_per_min} out={m.out} />
              </Td>
              <Td>
                <LabelChips metric={m} />
              </Td>
            </Tr>
          ))}
          {shown.length === 0 && (
            <tr>
              <td colSpan={6} className="px-4 py-6 text-center text-sm text-zinc-500">
                No metric matches “{query}”.
              </td>
            </tr>
          )}
        </TBody>
      </Table>
      {shown.length > limit && (
        <div className="border-t border-zinc-100 p-3 text-center dark:border-zinc-800">
          <Button size="sm" onClick={() => setLimit((n) => n + PAGE)} data-testid={testIds.inventory.metricsMore}>
            Show {Math.min(PAGE, shown.length - limit)} more of {shown.length - limit}
          </Button>
        </div>
      )}
    </Card>
  );
}

function LogsTable({ logs }: { logs: InventoryLogGroup[] }) {
  return (
    <Card title="Logs" description="Per service and severity, largest first" padded={false}>
      <Table data-testid={testIds.inventory.logsTable}>
        <THead>
          <tr>
            <Th>Service</Th>
            <Th>Severity</Th>
            <Th className="text-right">Records / min</Th>
            <Th className="text-right">Bytes / min</Th>
            <Th className="text-right">Exported / min</Th>
          </tr>
        </THead>
        <TBody>
          {logs.map((g) => (
            <Tr
              key={`${g.service}\n${g.severity}`}
              data-testid={testIds.inventory.logRow}
              data-name={`${g.service}/${g.severity}`}
            >
              <Td className="font-medium">{g.service}</Td>
              <Td>
                <Badge
                  tone={
                    /^(ERROR|FATAL)/i.test(g.severity) ? 'danger' : /^WARN/i.test(g.severity) ? 'warning' : 'neutral'
                  }
                >
                  {g.severity || 'unset'}
                </Badge>
              </Td>
              <Td className="text-right tabular-nums">{compactNumber(g.records_per_min)}</Td>
              <Td className="text-right tabular-nums">{formatBytes(g.bytes_per_min)}</Td>
              <Td className="text-right">
                <Exported inBytes={g.bytes_per_min} out={g.out} />
              </Td>
            </Tr>
          ))}
        </TBody>
      </Table>
    </Card>
  );
}

/** The gateway page's Inventory tab: what flows through the gateway, as its Flowgate processor measured it. */
export function InventoryTab({ gatewayId }: { gatewayId: string }) {
  const inventory = useGatewayInventory(gatewayId);
  const now = useNow();
  if (inventory.isPending) return <PageLoading label="Loading inventory…" />;
  if (inventory.isError) return <ErrorState error={inventory.error} onRetry={() => void inventory.refetch()} />;
  const inv = inventory.data;
  const status = (
    <span className="sr-only" data-testid={testIds.inventory.status} data-status={inv.measurement.status}>
      {inv.measurement.status}
    </span>
  );
  if (inv.measurement.status !== 'reporting')
    return (
      <Card data-testid={testIds.inventory.panel}>
        {status}
        <MeasurementEmpty measurement={inv.measurement} />
      </Card>
    );
  const totals = totalsOf(inv.pipelines);
  const series = inv.metrics.reduce((n, m) => n + m.series, 0);
  return (
    <div className="space-y-5" data-testid={testIds.inventory.panel}>
      {status}
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        <StatCard
          label="Metric names"
          value={compactNumber(inv.metrics.length)}
          hint={inv.metrics_dropped ? `+${inv.metrics_dropped} not tracked in detail` : 'Seen in the latest window'}
        />
        <StatCard label="Active series" value={compactNumber(series)} hint="Distinct label sets, summed over metrics" />
        <StatCard
          label="Bytes in / min"
          value={formatBytes(totals.bytesIn)}
          hint={`${compactNumber(totals.itemsIn)} items / min received`}
        />
        <StatCard
          label="Bytes out / min"
          value={formatBytes(totals.bytesOut)}
          tone={totals.bytesOut < totals.bytesIn ? 'success' : 'default'}
          hint={
            <span className="inline-flex items-center gap-1.5">
              <ReductionBadge inValue={totals.bytesIn} outValue={totals.bytesOut} /> reported{' '}
              {relativeTime(inv.reported_at, now)}
            </span>
          }
        />
      </div>
      <Card title="Pipelines" description="Per minute, where each pipeline starts (in) and ends (out)">
        <PipelineFlows pipelines={inv.pipelines} />
      </Card>
      {inv.metrics.length > 0 && <MetricsTable metrics={inv.metrics} />}
      {inv.logs.length > 0 && <LogsTable logs={inv.logs} />}
    </div>
  );
}
