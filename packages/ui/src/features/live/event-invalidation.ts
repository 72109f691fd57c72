import type { QueryKey } from '@tanstack/react-query';
import type { FlowgateEvent } from '../../lib/api/types.ts';
import { gatewayKeys } from '../agents/api/gateway-keys.ts';
import { deploymentKeys } from '../deployments/api/deployment-keys.ts';
import { templateKeys } from '../templates/api/template-keys.ts';

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
