import type { Static } from '@sinclair/typebox';
import type {
  Backend as BackendSchema,
  BlockCatalogueEntry as BlockCatalogueEntrySchema,
  RenderedBlockView as RenderedBlockViewSchema,
  TemplateFromBackends as TemplateFromBackendsSchema,
} from '@flowgate/config-model';
import { api, apiRequest } from '../../../lib/api/client.ts';

export type Backend = Static<typeof BackendSchema>;
export type BlockCatalogueEntry = Static<typeof BlockCatalogueEntrySchema>;
export type RenderedBlock = Static<typeof RenderedBlockViewSchema>;
export type TemplateFromBackends = Static<typeof TemplateFromBackendsSchema>;
export type Signal = 'metrics' | 'logs' | 'traces';

export const backendKeys = {
  all: (orgId: string) => ['org', orgId, 'backends'] as const,
  list: (orgId: string) => [...backendKeys.all(orgId), 'list'] as const,
  one: (orgId: string, id: string) => [...backendKeys.all(orgId), 'one', id] as const,
  catalogue: (orgId: string) => ['org', orgId, 'blocks'] as const,
  render: (orgId: string, type: string, config: unknown) => ['org', orgId, 'blocks', 'render', type, config] as const,
};

export const backendsApi = {
  catalogue: async (orgId: string, signal?: AbortSignal) =>
    (await api.get<{ items: BlockCatalogueEntry[] }>('/blocks', { org_id: orgId }, signal)).items,
  list: async (orgId: string, signal?: AbortSignal) =>
    (await api.get<{ items: Backend[] }>('/backends', { org_id: orgId }, signal)).items,
  get: (orgId: string, id: string, signal?: AbortSignal) =>
    api.get<Backend>(`/backends/${id}`, { org_id: orgId }, signal),
  create: (orgId: string, body: { name: string; type: string; config: Record<string, unknown> }) =>
    api.post<Backend>('/backends', body, { org_id: orgId }),
  update: (orgId: string, id: string, body: { name?: string; config?: Record<string, unknown> }) =>
    api.patch<Backend>(`/backends/${id}`, body, { org_id: orgId }),
  remove: (orgId: string, id: string) => api.delete<unknown>(`/backends/${id}`, { org_id: orgId }),
  render: (orgId: string, body: { type: string; config: Record<string, unknown> }, signal?: AbortSignal) =>
    apiRequest<RenderedBlock>('/blocks/render', { method: 'POST', body, query: { org_id: orgId }, signal }),
  templateFromBackends: (
    orgId: string,
    body: { name: string; description?: string; backend_ids: string[]; signals?: Signal[] },
  ) => api.post<TemplateFromBackends>('/templates/from-backends', body, { org_id: orgId }),
};
