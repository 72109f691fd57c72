import { api } from '../../../lib/api/client.ts';
import type { CreateDeploymentBody, Deployment, DeploymentDetail, Page } from '../../../lib/api/types.ts';

export type DeploymentAction = 'pause' | 'resume' | 'cancel' | 'rollback';

export const deploymentsApi = {
  list: (orgId: string, params: { limit?: number; cursor?: string; status?: string }, signal?: AbortSignal) =>
    api.get<Page<Deployment>>('/deployments', { org_id: orgId, ...params }, signal),
  detail: (orgId: string, id: string, signal?: AbortSignal) =>
    api.get<DeploymentDetail>(`/deployments/${id}`, { org_id: orgId }, signal),
  create: (orgId: string, body: CreateDeploymentBody) =>
    api.post<DeploymentDetail>('/deployments', body, { org_id: orgId }),
  act: (orgId: string, id: string, action: DeploymentAction) =>
    api.post<DeploymentDetail>(`/deployments/${id}/${action}`, {}, { org_id: orgId }),
};
