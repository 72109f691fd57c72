export const templateKeys = {
  all: (orgId: string) => ['org', orgId, 'templates'] as const,
  list: (orgId: string) => [...templateKeys.all(orgId), 'list'] as const,
  detail: (orgId: string, id: string) => [...templateKeys.all(orgId), 'detail', id] as const,
  versions: (orgId: string, id: string) => [...templateKeys.detail(orgId, id), 'versions'] as const,
  version: (orgId: string, id: string, version: number) =>
    [...templateKeys.detail(orgId, id), 'version', version] as const,
  diff: (orgId: string, id: string, from: number, to: number) =>
    [...templateKeys.detail(orgId, id), 'diff', from, to] as const,
};
