import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CreateDeploymentBody } from '../../../lib/api/types.ts';
import { useOrgId } from '../../auth/hooks/session.tsx';
import { gatewayKeys } from '../../agents/api/gateway-keys.ts';
import { deploymentsApi, type DeploymentAction } from '../api/deployments-api.ts';
import { deploymentKeys } from '../api/deployment-keys.ts';

export function useDeploymentList(params: { limit?: number; status?: string } = {}) {
  const orgId = useOrgId();
  return useInfiniteQuery({
    queryKey: deploymentKeys.list(orgId, params),
    queryFn: ({ pageParam, signal }) => deploymentsApi.list(orgId, { ...params, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useRecentDeployments(limit: number) {
  const orgId = useOrgId();
  return useQuery({
    queryKey: deploymentKeys.list(orgId, { limit }),
    queryFn: async ({ signal }) => (await deploymentsApi.list(orgId, { limit }, signal)).items,
  });
}

export function useDeployment(id: string) {
  const orgId = useOrgId();
  return useQuery({
    queryKey: deploymentKeys.detail(orgId, id),
    queryFn: ({ signal }) => deploymentsApi.detail(orgId, id, signal),
  });
}

export function useCreateDeployment() {
  const orgId = useOrgId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateDeploymentBody) => deploymentsApi.create(orgId, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: deploymentKeys.all(orgId) }),
  });
}

export function useDeploymentAction(id: string) {
  const orgId = useOrgId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: DeploymentAction) => deploymentsApi.act(orgId, id, action),
    onSuccess: (detail) => {
      if (detail && typeof detail === 'object' && 'targets' in detail)
        queryClient.setQueryData(deploymentKeys.detail(orgId, id), detail);
      void queryClient.invalidateQueries({ queryKey: deploymentKeys.all(orgId) });
      void queryClient.invalidateQueries({ queryKey: gatewayKeys.all(orgId) });
    },
  });
}
