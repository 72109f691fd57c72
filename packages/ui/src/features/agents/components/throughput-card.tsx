/** @jsxRuntime automatic */
import { ChartLegend, TimeSeriesChart, type ChartSeries } from '../../../components/charts/time-series-chart.tsx';
import type { ChartPoint } from '../../../components/charts/chart-math.ts';
import type { GatewayMetricsPoint } from '../../../lib/api/types.ts';
import { cn } from '../../../lib/cn.ts';
import { compactNumber } from '../../../lib/format.ts';

export const throughputColors = { received: '#6366f1', sent: '#10b981', refused: '#ef4444' };

export function pointsOf(
  series: GatewayMetricsPoint[],
  field: 'received' | 'sent' | 'refused' | 'dropped',
): ChartPoint[] {
  return series
    .map((p) => ({ t: Date.parse(p.at), v: p[field] }))
    .filter((p) => Number.isFinite(p.t))
    .sort((a, b) => a.t - b.t);
}

/** Share of received items that were not sent on (filtered, sampled, aggregated): what the gateway saves. */
export function reduction(received: number, sent: number): number | null {
  if (received <= 0) return null;
  return Math.max(0, Math.min(1, 1 - sent / received));
}

export function sum(points: ChartPoint[]): number {
  return points.reduce((acc, p) => acc + p.v, 0);
}

export function ThroughputChart({
  received,
  sent,
  refused,
  height = 200,
  testId,
}: {
  received: ChartPoint[];
  sent: ChartPoint[];
  refused?: ChartPoint[];
  height?: number;
  testId?: string;
}) {
  const totalReceived = sum(received);
  const totalSent = sum(sent);
  const totalRefused = refused ? sum(refused) : 0;
  const saved = reduction(totalReceived, totalSent);
  const series: ChartSeries[] = [
    { name: 'Received', color: throughputColors.received, points: received },
    { name: 'Sent', color: throughputColors.sent, points: sent },
  ];
  if (refused && totalRefused > 0)
    series.push({ name: 'Refused', color: throughputColors.refused, points: refused, fill: false });
  const empty = received.length === 0 && sent.length === 0;
  return (
    <div className="space-y-3">
      <div className={empty ? 'hidden' : 'flex flex-wrap items-center justify-between gap-3'}>
        <ChartLegend
          items={[
            { name: 'Received', color: throughputColors.received, value: compactNumber(totalReceived) },
            { name: 'Sent', color: throughputColors.sent, value: compactNumber(totalSent) },
            ...(totalRefused > 0
              ? [{ name: 'Refused', color: throughputColors.refused, value: compactNumber(totalRefused) }]
              : []),
          ]}
        />
        {saved !== null && (
          <span
            className={cn(
              'rounded-md bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-700',
              'dark:bg-emerald-950/60 dark:text-emerald-300',
            )}
            title="1 − sent / received over this window"
          >
            {Math.round(saved * 100)}% less data sent
          </span>
        )}
      </div>
      <TimeSeriesChart
        series={series}
        height={height}
        data-testid={testId}
        emptyText="No throughput reported yet — metrics appear once the gateway sends its own telemetry."
      />
    </div>
  );
}
