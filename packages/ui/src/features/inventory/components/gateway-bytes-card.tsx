/** @jsxRuntime automatic */
import { ChartLegend, TimeSeriesChart } from '../../../components/charts/time-series-chart.tsx';
import { Card } from '../../../components/ui/card.tsx';
import { EmptyState } from '../../../components/ui/empty-state.tsx';
import { ErrorState } from '../../../components/ui/error-state.tsx';
import { IconFlow } from '../../../components/ui/icons.tsx';
import { Skeleton } from '../../../components/ui/spinner.tsx';
import { testIds } from '../../../lib/testids.ts';
import type { GatewayInventory } from '../api/inventory-api.ts';
import { useGatewayInventory, useGatewayInventoryHistory } from '../hooks/use-inventory.ts';
import { compactBytes, formatBytes, historySeries, mergeHistory, totalsOf } from './inventory-model.ts';
import { PipelineFlows, ReductionBadge } from './pipeline-flows.tsx';

export const bytesColors = { in: '#6366f1', out: '#10b981' };

/** Why a gateway has nothing to show yet, in the words a user needs to act on it. */
export function MeasurementEmpty({
  measurement,
  compact = false,
}: Pick<GatewayInventory, 'measurement'> & { compact?: boolean }) {
  const [title, description] =
    measurement.status === 'waiting'
      ? [
          'No summary from this gateway yet',
          'It has the Flowgate processor. Flowgate adds it to every pipeline of the configurations it sends; ' +
            'the first summary arrives about a minute after one runs — deploy a template if none has been.',
        ]
      : measurement.component === null
        ? [
            'This gateway has not said what it can measure',
            'It has not reported its components. Gateways measure with the Flowgate processor ' +
              '(flowgate_measure), which older collector builds do not have.',
          ]
        : [
            'This gateway’s build cannot measure',
            'Its collector has no flowgate_measure processor (an older build). Upgrade it to a current ' +
              'Flowgate gateway build to see what flows through it: metrics, series, labels and bytes in and out.',
          ];
  return (
    <div data-testid={testIds.inventory.empty} data-reason={measurement.status}>
      <EmptyState
        className={compact ? 'py-6' : undefined}
        icon={compact ? undefined : <IconFlow size={20} />}
        title={title}
        description={description}
      />
    </div>
  );
}

/**
 * The gateway page's card: bytes (and items) per minute in and out of each pipeline, the reduction, and the
 * last 24 hours of bytes in vs out.
 */
export function GatewayBytesCard({ gatewayId }: { gatewayId: string }) {
  const inventory = useGatewayInventory(gatewayId);
  const history = useGatewayInventoryHistory(gatewayId, 24);
  const data = inventory.data;
  const totals = data ? totalsOf(data.pipelines) : null;
  const series = historySeries(mergeHistory((history.data?.pipelines ?? []).map((p) => p.points)));
  return (
    <Card
      title="Bytes in → out"
      description="Measured at the start and the end of every pipeline by the Flowgate processor"
      actions={
        totals && totals.bytesIn > 0 ? (
          <ReductionBadge inValue={totals.bytesIn} outValue={totals.bytesOut} />
        ) : undefined
      }
      data-testid={testIds.inventory.bytesCard}
    >
      {inventory.isPending ? (
        <Skeleton className="h-[180px]" />
      ) : inventory.isError ? (
        <ErrorState compact error={inventory.error} onRetry={() => void inventory.refetch()} />
      ) : data!.pipelines.length === 0 ? (
        <MeasurementEmpty measurement={data!.measurement} compact />
      ) : (
        <div className="space-y-4">
          <ChartLegend
            items={[
              { name: 'In', color: bytesColors.in, value: `${formatBytes(totals!.bytesIn)}/min` },
              { name: 'Out', color: bytesColors.out, value: `${formatBytes(totals!.bytesOut)}/min` },
            ]}
          />
          <TimeSeriesChart
            height={140}
            formatValue={compactBytes}
            series={[
              { name: 'Bytes in', color: bytesColors.in, points: series.in },
              { name: 'Bytes out', color: bytesColors.out, points: series.out },
            ]}
            emptyText="Hourly history appears after the first hour of summaries."
            data-testid={testIds.inventory.bytesChart}
          />
          <PipelineFlows pipelines={data!.pipelines} />
        </div>
      )}
    </Card>
  );
}
