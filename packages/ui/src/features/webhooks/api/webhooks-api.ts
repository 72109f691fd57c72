import type { Static } from '@sinclair/typebox';
import type {
  AlertRule as AlertRuleSchema,
  AlertRuleParams as AlertRuleParamsSchema,
  CreateAlertRuleBody as CreateAlertRuleBodySchema,
  CreateWebhookBody as CreateWebhookBodySchema,
  DomainEvent as DomainEventSchema,
  PatchWebhookBody as PatchWebhookBodySchema,
  Webhook as WebhookSchema,
  WebhookDelivery as WebhookDeliverySchema,
  WebhookWithSecret as WebhookWithSecretSchema,
} from '@flowgate/config-model';
import { api } from '../../../lib/api/client.ts';

export { webhookKeys } from './webhook-keys.ts';

// Types from the server's schemas (config-model), never written by hand.
export type Webhook = Static<typeof WebhookSchema>;
export type WebhookWithSecret = Static<typeof WebhookWithSecretSchema>;
export type WebhookDelivery = Static<typeof WebhookDeliverySchema>;
export type CreateWebhookBody = Static<typeof CreateWebhookBodySchema>;
export type PatchWebhookBody = Static<typeof PatchWebhookBodySchema>;
export type AlertRule = Static<typeof AlertRuleSchema>;
export type AlertRuleParams = Static<typeof AlertRuleParamsSchema>;
export type CreateAlertRuleBody = Static<typeof CreateAlertRuleBodySchema>;
export type DomainEvent = Static<typeof DomainEventSchema>;

export const webhooksApi = {
  list: async (orgId: string, signal?: AbortSignal) =>
    (await api.get<{ items: Webhook[] }>('/webhooks', { org_id: orgId }, signal)).items,
  get: (orgId: string, id: string, signal?: AbortSignal) =>
    api.get<Webhook>(`/webhooks/${id}`, { org_id: orgId }, signal),
  create: (orgId: string, body: CreateWebhookBody) => api.post<WebhookWithSecret>('/webhooks', body, { org_id: orgId }),
  update: (orgId: string, id: string, body: PatchWebhookBody) =>
    api.patch<Webhook & { secret?: string }>(`/webhooks/${id}`, body, { org_id: orgId }),
  remove: (orgId: string, id: string) => api.delete<unknown>(`/webhooks/${id}`, { org_id: orgId }),
  test: (orgId: string, id: string) => api.post<{ event_id: string }>(`/webhooks/${id}/test`, {}, { org_id: orgId }),
  deliveries: async (orgId: string, id: string, signal?: AbortSignal) =>
    (await api.get<{ items: WebhookDelivery[] }>(`/webhooks/${id}/deliveries`, { org_id: orgId, limit: 100 }, signal))
      .items,
  redeliver: (orgId: string, id: string, deliveryId: string) =>
    api.post<WebhookDelivery>(`/webhooks/${id}/deliveries/${deliveryId}/redeliver`, {}, { org_id: orgId }),
  alertRules: async (orgId: string, signal?: AbortSignal) =>
    (await api.get<{ items: AlertRule[] }>('/alert-rules', { org_id: orgId }, signal)).items,
  createAlertRule: (orgId: string, body: CreateAlertRuleBody) =>
    api.post<AlertRule>('/alert-rules', body, { org_id: orgId }),
  updateAlertRule: (orgId: string, id: string, body: { enabled?: boolean; params?: AlertRuleParams }) =>
    api.patch<AlertRule>(`/alert-rules/${id}`, body, { org_id: orgId }),
  removeAlertRule: (orgId: string, id: string) => api.delete<unknown>(`/alert-rules/${id}`, { org_id: orgId }),
  events: async (orgId: string, signal?: AbortSignal) =>
    (await api.get<{ items: DomainEvent[] }>('/event-log', { org_id: orgId, limit: 20 }, signal)).items,
};
