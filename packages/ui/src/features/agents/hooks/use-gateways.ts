import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useOrgId } from '../../auth/hooks/session.tsx';
import { deploymentKeys } from '../../deployments/api/deployment-keys.ts';
import { gatewaysApi } from '../api/gateways-api.ts';
import { gatewayKeys, type GatewayFilters } from '../api/gateway-keys.ts';

export function useGatewayList(filters: GatewayFilters) {
  const orgId = useOrgId();
  return useInfiniteQuery({
    queryKey: gatewayKeys.list(orgId, filters),
    queryFn: ({ pageParam, signal }) => gatewaysApi.list(orgId, filters, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useFleetSummary() {
  const orgId = useOrgId();
  return useQuery({
    queryKey: gatewayKeys.summary(orgId),
    queryFn: ({ signal }) => gatewaysApi.summary(orgId, signal),
  });
}

export function useGateway(id: string) {
  const orgId = useOrgId();
  return useQuery({
    queryKey: gatewayKeys.detail(orgId, id),
    queryFn: ({ signal }) => gatewaysApi.detail(orgId, id, signal),
  });
}

export function useGatewayConfig(id: string, enabled = true) {
  const orgId = useOrgId();
  return useQuery({
    queryKey: gatewayKeys.part(orgId, id, 'config'),
    queryFn: ({ signal }) => gatewaysApi.config(orgId, id, signal),
    enabled,
  });
}

export function useGatewayMetrics(id: string) {
  const orgId = useOrgId();
  return useQuery({
    queryKey: gatewayKeys.part(orgId, id, 'metrics'),
    queryFn: ({ signal }) => gatewaysApi.metrics(orgId, id, signal),
  });
}

export function useGatewayDeployments(id: string) {
  const orgId = useOrgId();
  return useQuery({
    queryKey: deploymentKeys.forGateway(orgId, id),
    queryFn: ({ signal }) => gatewaysApi.deployments(orgId, id, signal),
  });
}

export function useAgentTags() {
  const orgId = useOrgId();
  return useQuery({
    queryKey: gatewayKeys.tags(orgId),
    queryFn: ({ signal }) => gatewaysApi.tags(orgId, signal),
    staleTime: 60_000,
  });
}

/** Mutations on one gateway; each refreshes the gateway caches on success. */
export function useGatewayMutations(id: string) {
  const orgId = useOrgId();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: gatewayKeys.all(orgId) });
  return {
    rename: useMutation({ mutationFn: (name: string) => gatewaysApi.rename(orgId, id, name), onSuccess: refresh }),
    setTags: useMutation({
      mutationFn: (tags: Record<string, string>) => gatewaysApi.setTags(orgId, id, tags),
      onSuccess: refresh,
    }),
    restart: useMutation({ mutationFn: () => gatewaysApi.restart(orgId, id) }),
    revokeToken: useMutation({ mutationFn: () => gatewaysApi.revokeToken(orgId, id), onSuccess: refresh }),
    rotateToken: useMutation({ mutationFn: () => gatewaysApi.rotateToken(orgId, id), onSuccess: refresh }),
    remove: useMutation({
      mutationFn: () => gatewaysApi.remove(orgId, id),
      onSuccess: () => {
        queryClient.removeQueries({ queryKey: gatewayKeys.detail(orgId, id) });
        return refresh();
      },
    }),
  };
}
