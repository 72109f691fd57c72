import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CreateTemplateBody, CreateTemplateVersionBody, DryRunBody } from '../../../lib/api/types.ts';
import { useOrgId } from '../../auth/hooks/session.tsx';
import { templatesApi } from '../api/templates-api.ts';
import { templateKeys } from '../api/template-keys.ts';

export function useTemplates() {
  const orgId = useOrgId();
  return useQuery({ queryKey: templateKeys.list(orgId), queryFn: ({ signal }) => templatesApi.list(orgId, signal) });
}

export function useTemplate(id: string | undefined) {
  const orgId = useOrgId();
  return useQuery({
    queryKey: templateKeys.detail(orgId, id ?? ''),
    queryFn: ({ signal }) => templatesApi.detail(orgId, id ?? '', signal),
    enabled: Boolean(id),
  });
}

export function useTemplateVersions(id: string | undefined) {
  const orgId = useOrgId();
  return useQuery({
    queryKey: templateKeys.versions(orgId, id ?? ''),
    queryFn: ({ signal }) => templatesApi.versions(orgId, id ?? '', signal),
    enabled: Boolean(id),
  });
}

export function useTemplateVersion(id: string, version: number | null) {
  const orgId = useOrgId();
  return useQuery({
    queryKey: templateKeys.version(orgId, id, version ?? 0),
    queryFn: ({ signal }) => templatesApi.version(orgId, id, version ?? 0, signal),
    enabled: version !== null && version > 0,
    staleTime: Infinity, // versions are immutable
  });
}

export function useTemplateDiff(id: string, from: number | null, to: number | null) {
  const orgId = useOrgId();
  return useQuery({
    queryKey: templateKeys.diff(orgId, id, from ?? 0, to ?? 0),
    queryFn: ({ signal }) => templatesApi.diff(orgId, id, from ?? 0, to ?? 0, signal),
    enabled: from !== null && to !== null && from !== to,
    staleTime: Infinity,
  });
}

export function useCreateTemplate() {
  const orgId = useOrgId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateTemplateBody) => templatesApi.create(orgId, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: templateKeys.list(orgId) }),
  });
}

export function useSaveTemplateVersion(id: string) {
  const orgId = useOrgId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateTemplateVersionBody) => templatesApi.createVersion(orgId, id, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: templateKeys.all(orgId) }),
  });
}

export function useDeleteTemplate(id: string) {
  const orgId = useOrgId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => templatesApi.remove(orgId, id),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: templateKeys.detail(orgId, id) });
      return queryClient.invalidateQueries({ queryKey: templateKeys.list(orgId) });
    },
  });
}

export function useDryRun(id: string) {
  const orgId = useOrgId();
  return useMutation({ mutationFn: (body: DryRunBody) => templatesApi.dryRun(orgId, id, body) });
}
