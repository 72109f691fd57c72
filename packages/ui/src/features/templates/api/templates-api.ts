import { api, apiRequest, asItems } from '../../../lib/api/client.ts';
import type {
  CreateTemplateBody,
  CreateTemplateVersionBody,
  DryRunBody,
  DryRunResult,
  Page,
  Template,
  TemplateDetail,
  TemplateDiff,
  TemplateVersion,
  TemplateVersionSummary,
  ValidationResult,
} from '../../../lib/api/types.ts';

export const templatesApi = {
  list: async (orgId: string, signal?: AbortSignal) =>
    asItems(await api.get<Page<Template> | Template[]>('/templates', { org_id: orgId, limit: 500 }, signal)),
  create: (orgId: string, body: CreateTemplateBody) => api.post<TemplateDetail>('/templates', body, { org_id: orgId }),
  detail: (orgId: string, id: string, signal?: AbortSignal) =>
    api.get<TemplateDetail>(`/templates/${id}`, { org_id: orgId }, signal),
  versions: async (orgId: string, id: string, signal?: AbortSignal) =>
    asItems(
      await api.get<Page<TemplateVersionSummary> | TemplateVersionSummary[]>(
        `/templates/${id}/versions`,
        { org_id: orgId, limit: 500 },
        signal,
      ),
    ),
  version: (orgId: string, id: string, version: number, signal?: AbortSignal) =>
    api.get<TemplateVersion>(`/templates/${id}/versions/${version}`, { org_id: orgId }, signal),
  createVersion: (orgId: string, id: string, body: CreateTemplateVersionBody) =>
    api.post<TemplateVersionSummary>(`/templates/${id}/versions`, body, { org_id: orgId }),
  diff: (orgId: string, id: string, from: number, to: number, signal?: AbortSignal) =>
    api.get<TemplateDiff>(`/templates/${id}/diff`, { org_id: orgId, from, to }, signal),
  remove: (orgId: string, id: string) => api.delete<unknown>(`/templates/${id}`, { org_id: orgId }),
  dryRun: (orgId: string, id: string, body: DryRunBody) =>
    api.post<DryRunResult>(`/templates/${id}/dry-run`, body, { org_id: orgId }),
  validate: (orgId: string, configYaml: string, signal?: AbortSignal) =>
    apiRequest<ValidationResult>('/validation', {
      method: 'POST',
      body: { config_yaml: configYaml },
      query: { org_id: orgId },
      signal,
    }),
};
