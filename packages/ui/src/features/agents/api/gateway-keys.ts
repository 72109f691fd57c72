import type { GatewayListQuery } from '../../../lib/api/types.ts';

type Tags = Record<string, string>;

export type GatewayFilters = Omit<GatewayListQuery, 'org_id' | 'cursor'>;

// Every key starts with ['org', orgId] so switching org never shows another org's cache and a
// reconnect can invalidate one org at once.
export const gatewayKeys = {
  all: (orgId: string) => ['org', orgId, 'gateways'] as const,
  lists: (orgId: string) => [...gatewayKeys.all(orgId), 'list'] as const,
  list: (orgId: string, filters: GatewayFilters) => [...gatewayKeys.lists(orgId), filters] as const,
  summary: (orgId: string) => [...gatewayKeys.all(orgId), 'summary'] as const,
  count: (orgId: string, tags: Tags) => [...gatewayKeys.all(orgId), 'count', tags] as const,
  tags: (orgId: string) => [...gatewayKeys.all(orgId), 'tags'] as const,
  detail: (orgId: string, id: string) => [...gatewayKeys.all(orgId), 'detail', id] as const,
  part: (orgId: string, id: string, part: 'status' | 'health' | 'version' | 'config' | 'metrics') =>
    [...gatewayKeys.detail(orgId, id), part] as const,
  fleetMetrics: (orgId: string, ids: string[]) => [...gatewayKeys.all(orgId), 'fleet-metrics', ids] as const,
};
