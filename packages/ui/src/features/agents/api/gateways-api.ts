import { ApiError } from '../../../lib/api/api-error.ts';
import { api, asItems } from '../../../lib/api/client.ts';
import type { GatewayCountResponse } from '../../../lib/api/pending-contract.ts';
import type {
  AgentTag,
  FleetSummary,
  GatewayConfig,
  GatewayDeploymentHistoryEntry,
  GatewayDetail,
  GatewayMetrics,
  GatewaySummary,
  Page,
  RotateTokenResponse,
} from '../../../lib/api/types.ts';
import type { GatewayFilters } from './gateway-keys.ts';

type Tags = Record<string, string>;

export function tagQuery(tags: Tags): string[] {
  return Object.entries(tags).map(([k, v]) => `${k}=${v}`);
}

export const gatewaysApi = {
  list: (orgId: string, filters: GatewayFilters, cursor?: string, signal?: AbortSignal) =>
    api.get<Page<GatewaySummary>>('/gateways', { org_id: orgId, ...filters, cursor }, signal),
  summary: (orgId: string, signal?: AbortSignal) =>
    api.get<FleetSummary>('/gateways/summary', { org_id: orgId }, signal),
  detail: (orgId: string, id: string, signal?: AbortSignal) =>
    api.get<GatewayDetail>(`/gateways/${id}`, { org_id: orgId }, signal),
  config: (orgId: string, id: string, signal?: AbortSignal) =>
    api.get<GatewayConfig>(`/gateways/${id}/config`, { org_id: orgId }, signal),
  metrics: (orgId: string, id: string, signal?: AbortSignal) =>
    api.get<GatewayMetrics>(`/gateways/${id}/metrics`, { org_id: orgId }, signal),
  deployments: async (orgId: string, id: string, signal?: AbortSignal) =>
    asItems(
      await api.get<GatewayDeploymentHistoryEntry[] | Page<GatewayDeploymentHistoryEntry>>(
        `/gateways/${id}/deployments`,
        { org_id: orgId },
        signal,
      ),
    ),
  tags: async (orgId: string, signal?: AbortSignal) =>
    asItems(await api.get<AgentTag[] | Page<AgentTag>>('/agent-tags', { org_id: orgId }, signal)),
  /** Number of gateways a tag selector matches, for the deployment form. */
  count: async (orgId: string, tags: Tags, signal?: AbortSignal): Promise<{ count: number; exact: boolean }> => {
    try {
      const response = await api.get<GatewayCountResponse>(
        '/gateways/count',
        { org_id: orgId, tags: JSON.stringify(tags) },
        signal,
      );
      return { count: response.count, exact: true };
    } catch (error) {
      // A server without /gateways/count (404): fall back to one page of the list.
      if (!(error instanceof ApiError) || (error.status !== 404 && error.code !== 'INVALID_ID')) throw error;
      // The list filters by one tag only; with several, the count is an upper bound.
      const page = await api.get<Page<GatewaySummary>>(
        '/gateways',
        { org_id: orgId, tag: tagQuery(tags)[0], limit: 500 },
        signal,
      );
      return { count: page.items.length, exact: page.next_cursor === null && Object.keys(tags).length <= 1 };
    }
  },
  rename: (orgId: string, id: string, name: string) =>
    api.patch<GatewayDetail>(`/gateways/${id}`, { name }, { org_id: orgId }),
  setTags: (orgId: string, id: string, tags: Tags) =>
    api.put<unknown>(`/gateways/${id}/tags`, { tags }, { org_id: orgId }),
  remove: (orgId: string, id: string) => api.delete<unknown>(`/gateways/${id}`, { org_id: orgId }),
  restart: (orgId: string, id: string) => api.post<unknown>(`/gateways/${id}/restart`, {}, { org_id: orgId }),
  revokeToken: (orgId: string, id: string) => api.post<unknown>(`/gateways/${id}/revoke-token`, {}, { org_id: orgId }),
  rotateToken: (orgId: string, id: string) =>
    api.post<RotateTokenResponse>(`/gateways/${id}/rotate-token`, {}, { org_id: orgId }),
};
