export const deploymentKeys = {
  all: (orgId: string) => ['org', orgId, 'deployments'] as const,
  list: (orgId: string, params: { limit?: number; status?: string } = {}) =>
    [...deploymentKeys.all(orgId), 'list', params] as const,
  detail: (orgId: string, id: string) => [...deploymentKeys.all(orgId), 'detail', id] as const,
  /** A gateway's deployment history lives under deployments so deployment events refresh it. */
  forGateway: (orgId: string, gatewayId: string) => [...deploymentKeys.all(orgId), 'by-gateway', gatewayId] as const,
};
