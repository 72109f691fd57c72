import { api, asItems } from '../../../lib/api/client.ts';
import type { SupervisorConfigResponse } from '../../../lib/api/pending-contract.ts';
import type {
  CreatedRegistrationToken,
  CreateRegistrationTokenBody,
  Page,
  RegistrationToken,
} from '../../../lib/api/types.ts';

export const tokenKeys = {
  all: (orgId: string) => ['org', orgId, 'registration-tokens'] as const,
  list: (orgId: string) => [...tokenKeys.all(orgId), 'list'] as const,
  supervisor: (orgId: string, tokenId: string, name: string) =>
    [...tokenKeys.all(orgId), 'supervisor', tokenId, name] as const,
};

export const tokensApi = {
  list: async (orgId: string, signal?: AbortSignal) =>
    asItems(
      await api.get<Page<RegistrationToken> | RegistrationToken[]>('/registration-tokens', { org_id: orgId }, signal),
    ),
  create: (orgId: string, body: CreateRegistrationTokenBody) =>
    api.post<CreatedRegistrationToken>('/registration-tokens', body, { org_id: orgId }),
  revoke: (orgId: string, id: string) => api.delete<unknown>(`/registration-tokens/${id}`, { org_id: orgId }),
  supervisorConfig: (orgId: string, registrationTokenId: string, name: string, signal?: AbortSignal) =>
    api.get<SupervisorConfigResponse>(
      '/supervisor/config',
      { org_id: orgId, registration_token_id: registrationTokenId, name: name || undefined },
      signal,
    ),
};
