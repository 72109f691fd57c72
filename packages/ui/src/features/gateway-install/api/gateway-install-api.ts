import type { GatewayInstallInfo } from '@flowgate/config-model';
import { api } from '../../../lib/api/client.ts';

export const gatewayInstallKeys = {
  info: ['gateway-install'] as const,
};

export const gatewayInstallApi = {
  /** The install command and whether this server has a gateway build (GET /api/v1/gateway-install). */
  info: (signal?: AbortSignal) => api.get<GatewayInstallInfo>('/gateway-install', undefined, signal),
};
