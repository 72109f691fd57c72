/** @jsxRuntime automatic */
import { ChartLegend, TimeSeriesChart } from '../../../components/charts/time-series-chart.tsx';
import { Card } from '../../../components/ui/card.tsx';
import { ErrorState } from '../../../components/ui/error-state.tsx';
import { Skeleton } from '../../../components/ui/spinner.tsx';
import { compactNumber } from '../../../lib/format.ts';
import { testIds } from '../../../lib/testids.ts';
import { useOrgInventory, useOrgInventoryHistory } from '../hooks/use-inventory.ts';
import { bytesColors } from './gateway-bytes-card.tsx';
import { compactBytes, formatBytes, historySeries, mergeHistory } from './inventory-model.ts';
import { ReductionBadge } from './pipeline-flows.tsx';

/**
 * The dashboard's bytes in vs out: what the org's gateways receive and what they send on, per signal, as
 * measured at the start and the end of every pipeline — the saving the gateways make, in bytes.
 */
export function FleetBytesCard({ className }: { className?: string }) {
  const inventory = useOrgInventory('', 1);
  const history = useOrgInventoryHistory(24);
  const signals = inventory.data?.totals.signals ?? [];
  const bytesIn = signals.reduce((n, s) => n + s.in.bytes_per_min, 0);
  const bytesOut = signals.reduce((n, s) => n + s.out.bytes_per_min, 0);
  const series = historySeries(mergeHistory((history.data?.signals ?? []).map((s) => s.points)));
  const reporting = inventory.data?.totals.gateways_reporting ?? 0;
  return (
    <Card
      className={className}
      title="Bytes in vs out"
      description={
        reporting > 0
          ? `Measured by ${reporting} gateway${reporting === 1 ? '' : 's'} at the start and end of every pipeline`
          : 'Measured by the gateways’ Flowgate processor'
      }
      actions={bytesIn > 0 ? <ReductionBadge inValue={bytesIn} outValue={bytesOut} /> : undefined}
      data-testid={testIds.inventory.dashboardBytes}
    >
      {inventory.isPending ? (
        <Skeleton className="h-[200px]" />
      ) : inventory.isError ? (
        <ErrorState compact error={inventory.error} />
      ) : (
        <div className="space-y-3">
          {signals.length > 0 && (
            <ChartLegend
              items={[
                { name: 'In', color: bytesColors.in, value: `${formatBytes(bytesIn)}/min` },
                { name: 'Out', color: bytesColors.out, value: `${formatBytes(bytesOut)}/min` },
              ]}
            />
          )}
          <TimeSeriesChart
            height={150}
            formatValue={compactBytes}
            series={[
              { name: 'Bytes in', color: bytesColors.in, points: series.in },
              { name: 'Bytes out', color: bytesColors.out, points: series.out },
            ]}
            emptyText={
              signals.length
                ? 'Hourly history appears after the first hour of summaries.'
                : 'No gateway has reported a measurement yet — gateways with the Flowgate processor report every minute.'
            }
            data-testid={testIds.inventory.dashboardBytesChart}
          />
          {signals.length > 0 && (
            <ul className="grid gap-2 sm:grid-cols-3">
              {signals.map((s) => (
                <li
                  key={s.signal}
                  className="rounded-lg border border-zinc-100 px-3 py-2 dark:border-zinc-800"
                  data-testid={testIds.inventory.dashboardSignal}
                  data-signal={s.signal}
                >
                  <div className="flex items-center justify-between gap-2">
                    <span className="text-xs font-medium text-zinc-500 capitalize">{s.signal}</span>
                    <ReductionBadge inValue={s.in.bytes_per_min} outValue={s.out.bytes_per_min} />
                  </div>
                  <div className="mt-1 text-sm tabular-nums">
                    {formatBytes(s.in.bytes_per_min)} <span className="text-zinc-400">→</span>{' '}
                    {formatBytes(s.out.bytes_per_min)}
                    <span className="text-xs text-zinc-500"> /min</span>
                  </div>
                  <div className="text-[11px] text-zinc-500 tabular-nums">
                    {compactNumber(s.in.items_per_min)} → {compactNumber(s.out.items_per_min)} items/min
                  </div>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </Card>
  );
}
