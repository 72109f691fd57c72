// Server-Sent Events at GET /api/v1/events?org_id=. Each event: `event: <type>` and `data: <json>`.
// Two kinds share the stream: refresh hints for the live UI (`*.updated`, `gateway.created`,
// `gateway.deleted`: something changed, reload it) and the domain events of domain-events.ts, which
// come from the outbox (the same events that reach webhooks).
import { domainEventTypes, type DomainEventType } from './domain-events.ts';

const refreshHints = [
  'gateway.updated',
  'gateway.deleted',
  'gateway.created',
  'deployment.updated',
  'template.updated',
] as const;
export type EventType = (typeof refreshHints)[number] | DomainEventType;
export const eventTypes: readonly EventType[] = [...refreshHints, ...domainEventTypes];
export interface FlowgateEvent {
  type: EventType;
  org_id: string;
  id: string;
  at: string;
  data?: Record<string, unknown>;
}
