import { api, asItems } from '../../../lib/api/client.ts';
import type {
  CreateLogSampleBody,
  CreateLogSampleResult,
  LogSampleSummary,
  MinePatternsBody,
  MinePatternsResult,
  PreviewLogsBody,
  PreviewLogsResult,
  PriceModel,
  PriceSource,
  RenderLogBlocksResult,
  SaveLogTemplateResult,
  SuggestBody,
  Suggestion,
} from '../../../lib/api/types.ts';
import type { BlockInstance } from '@flowgate/config-model';

export const logKeys = {
  all: (orgId: string) => ['org', orgId, 'logs'] as const,
  samples: (orgId: string) => [...logKeys.all(orgId), 'samples'] as const,
  prices: (orgId: string) => [...logKeys.all(orgId), 'prices'] as const,
  render: (orgId: string, blocks: BlockInstance[]) => [...logKeys.all(orgId), 'render', blocks] as const,
};

export interface PriceModelView {
  prices: PriceModel;
  custom: boolean;
  sources: Record<string, PriceSource>;
}

export const logsApi = {
  mine: (orgId: string, body: MinePatternsBody) =>
    api.post<MinePatternsResult>('/logs/patterns', body, { org_id: orgId }),
  createSample: (orgId: string, body: CreateLogSampleBody) =>
    api.post<CreateLogSampleResult>('/logs/samples', body, { org_id: orgId }),
  samples: async (orgId: string, signal?: AbortSignal) =>
    asItems(await api.get<{ items: LogSampleSummary[] }>('/logs/samples', { org_id: orgId }, signal)),
  deleteSample: (orgId: string, id: string) => api.delete<unknown>(`/logs/samples/${id}`, { org_id: orgId }),
  render: (orgId: string, blocks: BlockInstance[], signal?: AbortSignal) =>
    api.post<RenderLogBlocksResult>('/logs/render', { blocks }, { org_id: orgId }).then((r) => {
      if (signal?.aborted) throw new DOMException('aborted', 'AbortError');
      return r;
    }),
  preview: (orgId: string, body: PreviewLogsBody) =>
    api.post<PreviewLogsResult>('/logs/preview', body, { org_id: orgId }),
  suggest: (orgId: string, body: SuggestBody) => api.post<Suggestion>('/logs/suggestions', body, { org_id: orgId }),
  prices: (orgId: string, signal?: AbortSignal) => api.get<PriceModelView>('/logs/prices', { org_id: orgId }, signal),
  saveTemplate: (
    orgId: string,
    body: { name?: string; template_id?: string; blocks: BlockInstance[]; message?: string },
  ) => api.post<SaveLogTemplateResult>('/logs/templates', body, { org_id: orgId }),
};
