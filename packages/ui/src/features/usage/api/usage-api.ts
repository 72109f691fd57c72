import type { CreateUsageSourceBody, MetricUsage, UsageSource } from '@flowgate/config-model';
import { api } from '../../../lib/api/client.ts';

export type UsedFilter = 'all' | 'true' | 'false' | 'unknown';

export interface UsageMetricsPage {
  items: MetricUsage[];
  next_cursor: string | null;
  counts: { total: number; used: number; unused: number; unknown: number };
  computed_at: string | null;
}

export const usageKeys = {
  all: (orgId: string) => ['org', orgId, 'usage'] as const,
  sources: (orgId: string) => [...usageKeys.all(orgId), 'sources'] as const,
  metrics: (orgId: string, q: string, used: UsedFilter) => [...usageKeys.all(orgId), 'metrics', q, used] as const,
  metric: (orgId: string, name: string) => [...usageKeys.all(orgId), 'metric', name] as const,
};

export const usageApi = {
  sources: async (orgId: string, signal?: AbortSignal) =>
    (await api.get<{ items: UsageSource[] }>('/usage/sources', { org_id: orgId }, signal)).items,
  create: (orgId: string, body: CreateUsageSourceBody) =>
    api.post<UsageSource>('/usage/sources', body, { org_id: orgId }),
  refresh: (orgId: string, id: string) => api.post<UsageSource>(`/usage/sources/${id}/refresh`, {}, { org_id: orgId }),
  remove: (orgId: string, id: string) => api.delete<unknown>(`/usage/sources/${id}`, { org_id: orgId }),
  metrics: (orgId: string, q: string, used: UsedFilter, cursor: string | null, signal?: AbortSignal) =>
    api.get<UsageMetricsPage>(
      '/usage/metrics',
      { org_id: orgId, q: q || undefined, used: used === 'all' ? undefined : used, cursor, limit: 100 },
      signal,
    ),
  metric: (orgId: string, name: string, signal?: AbortSignal) =>
    api.get<MetricUsage>(`/usage/metrics/${encodeURIComponent(name)}`, { org_id: orgId }, signal),
};
