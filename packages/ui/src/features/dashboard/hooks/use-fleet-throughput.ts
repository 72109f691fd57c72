import { useQueries, useQuery } from '@tanstack/react-query';
import { mergeSeries, type ChartPoint } from '../../../components/charts/chart-math.ts';
import { useOrgId } from '../../auth/hooks/session.tsx';
import { gatewaysApi } from '../../agents/api/gateways-api.ts';
import { gatewayKeys } from '../../agents/api/gateway-keys.ts';
import { pointsOf } from '../../agents/components/throughput-card.tsx';

const SAMPLE = 10;
const BUCKET_MS = 60_000;

/**
 * Fleet throughput for the dashboard, summed from the most recently seen gateways' own series.
 * (A fleet-level series endpoint would make this one request; see the UI field requests.)
 */
export function useFleetThroughput() {
  const orgId = useOrgId();
  const filters = { limit: SAMPLE, sort: '-last_seen' as const };
  const gateways = useQuery({
    queryKey: gatewayKeys.list(orgId, filters),
    queryFn: ({ signal }) => gatewaysApi.list(orgId, filters, undefined, signal),
  });
  const ids = (gateways.data?.items ?? []).map((g) => g.id);
  const metrics = useQueries({
    queries: ids.map((id) => ({
      queryKey: gatewayKeys.part(orgId, id, 'metrics'),
      queryFn: ({ signal }: { signal: AbortSignal }) => gatewaysApi.metrics(orgId, id, signal),
    })),
  });
  const loaded = metrics.filter((m) => m.data).map((m) => m.data!.series);
  const received: ChartPoint[] = mergeSeries(
    loaded.map((s) => pointsOf(s, 'received')),
    BUCKET_MS,
  );
  const sent: ChartPoint[] = mergeSeries(
    loaded.map((s) => pointsOf(s, 'sent')),
    BUCKET_MS,
  );
  return {
    received,
    sent,
    sampled: ids.length,
    isPending: gateways.isPending || (ids.length > 0 && metrics.every((m) => m.isPending)),
    error: gateways.error ?? metrics.find((m) => m.error)?.error ?? null,
  };
}
