// Server-Sent Events at GET /api/v1/events?org_id=. Each event: `event: <type>` and `data: <json>`.
export const eventTypes = [
  'gateway.updated',
  'gateway.connected',
  'gateway.disconnected',
  'gateway.deleted',
  'gateway.created',
  'deployment.updated',
  'template.updated',
] as const;
export type EventType = (typeof eventTypes)[number];
export interface FlowgateEvent {
  type: EventType;
  org_id: string;
  id: string;
  at: string;
  data?: Record<string, unknown>;
}
