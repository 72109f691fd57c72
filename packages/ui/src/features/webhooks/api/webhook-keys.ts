// Query keys of the webhooks feature (kept apart from the API calls: the live-event invalidation imports them).
export const webhookKeys = {
  all: (orgId: string) => ['org', orgId, 'webhooks'] as const,
  list: (orgId: string) => [...webhookKeys.all(orgId), 'list'] as const,
  one: (orgId: string, id: string) => [...webhookKeys.all(orgId), 'one', id] as const,
  deliveries: (orgId: string, id: string) => [...webhookKeys.all(orgId), 'deliveries', id] as const,
  alertRules: (orgId: string) => ['org', orgId, 'alert-rules'] as const,
  events: (orgId: string) => ['org', orgId, 'event-log'] as const,
};
