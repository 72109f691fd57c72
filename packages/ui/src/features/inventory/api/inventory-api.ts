// The inventory API (edge measurement by the gateways' Flowgate processor). Types come from the server's
// schemas in @flowgate/config-model.
import type { Static } from '@sinclair/typebox';
import type {
  GatewayInventory as GatewayInventorySchema,
  GatewayInventoryHistory as GatewayInventoryHistorySchema,
  InventoryHistoryPoint as InventoryHistoryPointSchema,
  InventoryLogGroup as InventoryLogGroupSchema,
  InventoryMetric as InventoryMetricSchema,
  InventoryPipeline as InventoryPipelineSchema,
  OrgInventory as OrgInventorySchema,
  OrgInventoryHistory as OrgInventoryHistorySchema,
} from '@flowgate/config-model';
import { api } from '../../../lib/api/client.ts';

export type GatewayInventory = Static<typeof GatewayInventorySchema>;
export type GatewayInventoryHistory = Static<typeof GatewayInventoryHistorySchema>;
export type InventoryHistoryPoint = Static<typeof InventoryHistoryPointSchema>;
export type InventoryMetric = Static<typeof InventoryMetricSchema>;
export type InventoryLogGroup = Static<typeof InventoryLogGroupSchema>;
export type InventoryPipeline = Static<typeof InventoryPipelineSchema>;
export type OrgInventory = Static<typeof OrgInventorySchema>;
export type OrgInventoryHistory = Static<typeof OrgInventoryHistorySchema>;

export const inventoryKeys = {
  all: (orgId: string) => ['org', orgId, 'inventory'] as const,
  gateway: (orgId: string, id: string) => [...inventoryKeys.all(orgId), 'gateway', id] as const,
  gatewayHistory: (orgId: string, id: string, hours: number) =>
    [...inventoryKeys.gateway(orgId, id), 'history', hours] as const,
  org: (orgId: string, q: string) => [...inventoryKeys.all(orgId), 'org', q] as const,
  orgHistory: (orgId: string, hours: number) => [...inventoryKeys.all(orgId), 'org-history', hours] as const,
};

export const inventoryApi = {
  gateway: (orgId: string, id: string, signal?: AbortSignal) =>
    api.get<GatewayInventory>(`/gateways/${id}/inventory`, { org_id: orgId }, signal),
  gatewayHistory: (orgId: string, id: string, hours: number, signal?: AbortSignal) =>
    api.get<GatewayInventoryHistory>(`/gateways/${id}/inventory/history`, { org_id: orgId, hours }, signal),
  org: (orgId: string, q: string, limit: number, signal?: AbortSignal) =>
    api.get<OrgInventory>('/inventory', { org_id: orgId, q, limit }, signal),
  orgHistory: (orgId: string, hours: number, signal?: AbortSignal) =>
    api.get<OrgInventoryHistory>('/inventory/history', { org_id: orgId, hours }, signal),
};
