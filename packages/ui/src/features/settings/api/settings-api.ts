import { api, asItems } from '../../../lib/api/client.ts';
import type {
  AddMemberBody,
  ApiKey,
  AuditLogEntry,
  CreateApiKeyBody,
  CreatedApiKey,
  CreateOrgBody,
  CreateUserBody,
  Member,
  Org,
  OrgSettings,
  Page,
  Secret,
  UpdateSettingsBody,
  User,
} from '../../../lib/api/types.ts';

export interface AuditQuery {
  limit: number;
  cursor?: string;
  action?: string;
  resource_type?: string;
}

export const settingsKeys = {
  settings: (orgId: string) => ['org', orgId, 'settings'] as const,
  secrets: (orgId: string) => ['org', orgId, 'secrets'] as const,
  members: (orgId: string) => ['org', orgId, 'members'] as const,
  apiKeys: (orgId: string) => ['org', orgId, 'api-keys'] as const,
  audit: (orgId: string, query: AuditQuery) => ['org', orgId, 'audit', query] as const,
  orgs: () => ['orgs'] as const,
};

export const settingsApi = {
  get: (orgId: string, signal?: AbortSignal) => api.get<OrgSettings>('/settings', { org_id: orgId }, signal),
  update: (orgId: string, body: UpdateSettingsBody) => api.put<OrgSettings>('/settings', body, { org_id: orgId }),
  secrets: async (orgId: string, signal?: AbortSignal) =>
    asItems(await api.get<Page<Secret> | Secret[]>('/secrets', { org_id: orgId }, signal)),
  putSecret: (orgId: string, name: string, value: string) =>
    api.put<Secret>('/secrets', { name, value }, { org_id: orgId }),
  /** Answers 409 SECRET_IN_USE (details: what references it) unless `force`, which deletes anyway. */
  deleteSecret: (orgId: string, name: string, options: { force?: boolean } = {}) =>
    api.delete<unknown>(`/secrets/${encodeURIComponent(name)}`, {
      org_id: orgId,
      force: options.force ? true : undefined,
    }),
  members: async (orgId: string, signal?: AbortSignal) =>
    asItems(await api.get<Page<Member> | Member[]>(`/orgs/${orgId}/members`, undefined, signal)),
  addMember: (orgId: string, body: AddMemberBody) => api.post<Member>(`/orgs/${orgId}/members`, body),
  removeMember: (orgId: string, userId: string) => api.delete<unknown>(`/orgs/${orgId}/members/${userId}`),
  apiKeys: async (orgId: string, signal?: AbortSignal) =>
    asItems(await api.get<Page<ApiKey> | ApiKey[]>('/api-keys', { org_id: orgId }, signal)),
  createApiKey: (orgId: string, body: CreateApiKeyBody) =>
    api.post<CreatedApiKey>('/api-keys', body, { org_id: orgId }),
  deleteApiKey: (orgId: string, id: string) => api.delete<unknown>(`/api-keys/${id}`, { org_id: orgId }),
  audit: (orgId: string, query: AuditQuery, signal?: AbortSignal) =>
    api.get<Page<AuditLogEntry>>('/audit-logs', { org_id: orgId, ...query }, signal),
  orgs: async (signal?: AbortSignal) => asItems(await api.get<Page<Org> | Org[]>('/orgs', undefined, signal)),
  createOrg: (body: CreateOrgBody) => api.post<Org>('/orgs', body),
  createUser: (body: CreateUserBody) => api.post<User>('/users', body),
};
