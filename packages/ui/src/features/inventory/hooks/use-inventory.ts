import { useQuery } from '@tanstack/react-query';
import { useOrgId } from '../../auth/hooks/session.tsx';
import { inventoryApi, inventoryKeys } from '../api/inventory-api.ts';

/** Gateways report every minute: refresh at about that pace while the page is open. */
const REFRESH_MS = 30_000;

export function useGatewayInventory(id: string) {
  const orgId = useOrgId();
  return useQuery({
    queryKey: inventoryKeys.gateway(orgId, id),
    queryFn: ({ signal }) => inventoryApi.gateway(orgId, id, signal),
    refetchInterval: REFRESH_MS,
  });
}

export function useGatewayInventoryHistory(id: string, hours = 24) {
  const orgId = useOrgId();
  return useQuery({
    queryKey: inventoryKeys.gatewayHistory(orgId, id, hours),
    queryFn: ({ signal }) => inventoryApi.gatewayHistory(orgId, id, hours, signal),
    refetchInterval: REFRESH_MS * 2,
  });
}

/** Org-wide totals (per signal, in and out per minute) from the first page of the inventory. */
export function useOrgInventory(q = '', limit = 50) {
  const orgId = useOrgId();
  return useQuery({
    queryKey: inventoryKeys.org(orgId, `${q}|${limit}`),
    queryFn: ({ signal }) => inventoryApi.org(orgId, q, limit, signal),
    refetchInterval: REFRESH_MS,
  });
}

export function useOrgInventoryHistory(hours = 24) {
  const orgId = useOrgId();
  return useQuery({
    queryKey: inventoryKeys.orgHistory(orgId, hours),
    queryFn: ({ signal }) => inventoryApi.orgHistory(orgId, hours, signal),
    refetchInterval: REFRESH_MS * 2,
  });
}
