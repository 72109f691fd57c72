import type { QueryKey } from '@tanstack/react-query';
import type { FlowgateEvent } from '../../lib/api/types.ts';
import { gatewayKeys } from '../agents/api/gateway-keys.ts';
import { deploymentKeys } from '../deployments/api/deployment-keys.ts';
import { templateKeys } from '../templates/api/template-keys.ts';
import { webhookKeys } from '../webhooks/api/webhook-keys.ts';

/** Which cached queries an event makes stale. Active ones refetch; the rest refetch when next shown. */
export function keysForEvent(event: Pick<FlowgateEvent, 'type' | 'org_id' | 'id'>, orgId: string): QueryKey[] {
  if (event.org_id && event.org_id !== orgId) return [];
  switch (event.type) {
    case 'gateway.created':
    case 'gateway.deleted':
    case 'gateway.connected':
    case 'gateway.disconnected':
    case 'gateway.updated':
      // Lists, summary, tag index and the one gateway's detail parts all hang under gateways.
      return [gatewayKeys.all(orgId)];
    case 'deployment.updated':
      // A rollout changes target statuses and the per-gateway history and remote-config status.
      return [deploymentKeys.all(orgId), gatewayKeys.all(orgId)];
    case 'template.updated':
      return [templateKeys.all(orgId)];
    default:
      // ── events, webhooks ── domain events from the outbox: their family's data, and the webhooks'
      // deliveries and event log (a delivery follows every event a webhook listens to).
      if (event.type.startsWith('gateway.')) return [gatewayKeys.all(orgId), webhookKeys.all(orgId)];
      if (event.type.startsWith('deployment.'))
        return [deploymentKeys.all(orgId), gatewayKeys.all(orgId), webhookKeys.all(orgId)];
      if (event.type.startsWith('template.')) return [templateKeys.all(orgId), webhookKeys.all(orgId)];
      if (event.type.startsWith('alert.')) return [webhookKeys.all(orgId), webhookKeys.alertRules(orgId)];
      if (event.type.startsWith('webhook.')) return [webhookKeys.all(orgId)];
      return [];
  }
}

/** Drop keys that an earlier, shorter key in the list already covers (prefix match). */
export function dedupeKeys(keys: QueryKey[]): QueryKey[] {
  const serialized = keys.map((k) => ({ key: k, text: JSON.stringify(k) }));
  const unique = serialized.filter((a, i) => serialized.findIndex((b) => b.text === a.text) === i);
  return unique
    .filter(
      (a) =>
        !unique.some(
          (b) =>
            b !== a &&
            b.key.length < a.key.length &&
            b.key.every((part, i) => JSON.stringify(part) === JSON.stringify(a.key[i])),
        ),
    )
    .map((a) => a.key);
}
