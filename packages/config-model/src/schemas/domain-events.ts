// Domain events: every change worth telling people and tools about. Written to the outbox in the
// transaction of the change, then published to the live UI (SSE) and to the org's webhooks.
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Timestamp, Uuid } from './common.ts';

export const domainEventCatalogue = {
  'gateway.connected': 'A gateway opened its OpAMP connection (or came back)',
  'gateway.disconnected': 'A gateway lost its OpAMP connection',
  'gateway.config_failed': 'A gateway reported FAILED for a configuration (data.error has the collector text)',
  'deployment.created': 'A rollout started',
  'deployment.batch_completed': 'A batch of a rollout applied and soaked without problems; the next starts',
  'deployment.paused': 'A user paused a rollout',
  'deployment.resumed': 'A user resumed a paused rollout',
  'deployment.failed':
    'The engine stopped a rollout: a gateway failed to apply, became unhealthy, or its own telemetry ' +
    'tripped the data-plane gate (data.cause, data.reason, data.figures). It is paused until resumed or rolled back',
  'deployment.completed': 'Every batch of a rollout applied and soaked',
  'deployment.cancelled': 'A user cancelled a rollout',
  'deployment.rolled_back': 'A rollout was rolled back: its gateways got their previous configuration',
  'template.created': 'A template was created (its version 1)',
  'template.version_created': 'A template got a new version',
  'alert.fired': 'An alert rule of the org fired (data.kind, data.rule, data.message, data.figures)',
  'alert.resolved': 'The condition of a fired alert rule is over',
  'webhook.test': 'A test delivery asked for from the webhook settings',
} as const;
export type DomainEventType = keyof typeof domainEventCatalogue;
export const domainEventTypes = Object.keys(domainEventCatalogue) as DomainEventType[];

/** `*`, an event type, or `<prefix>.*` for a family (gateway.*, deployment.*, template.*, alert.*). */
export const eventPatternProblem = (pattern: string): string | null => {
  if (pattern === '*') return null;
  if (pattern.endsWith('.*')) {
    const prefix = pattern.slice(0, -1);
    return domainEventTypes.some((t) => t.startsWith(prefix))
      ? null
      : `"${pattern}" matches no event type (families: ${[...new Set(domainEventTypes.map((t) => t.split('.')[0]))].map((f) => `${f}.*`).join(', ')})`;
  }
  return (domainEventTypes as string[]).includes(pattern)
    ? null
    : `"${pattern}" is not an event type (known: ${domainEventTypes.join(', ')})`;
};

export const eventMatches = (patterns: readonly string[], type: string): boolean =>
  patterns.some((p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))));

export const DomainEvent = Type.Object({
  id: Type.String({ description: 'Event id (increasing per database)' }),
  type: Type.String(),
  org_id: Uuid,
  occurred_at: Timestamp,
  subject: Type.Object({
    type: Type.String({ description: 'gateway, deployment, template, alert_rule or webhook' }),
    id: Nullable(Type.String()),
    name: Nullable(Type.String()),
  }),
  summary: Type.String({ description: 'One readable line' }),
  data: Type.Record(Type.String(), Type.Unknown()),
  url: Nullable(
    Type.String({ description: 'The subject in the console (needs FLOWGATE_PUBLIC_URL or a known origin)' }),
  ),
});
export type DomainEvent = Static<typeof DomainEvent>;

export const EventLogQuery = Type.Object(
  {
    org_id: Type.Optional(Uuid),
    type: Type.Optional(
      Type.String({ maxLength: 100, description: 'An event type or a family pattern (deployment.*)' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    before: Type.Optional(Type.String({ pattern: '^[0-9]{1,19}$', description: 'Events older than this id' })),
  },
  { additionalProperties: false },
);

const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** One readable line for an event (Slack text, issue titles, the UI). */
export function summarizeEvent(e: {
  type: string;
  subject: { type: string; id: string | null; name: string | null };
  data: Record<string, unknown>;
}): string {
  const name = e.subject.name ?? e.subject.id ?? '';
  const d = e.data;
  const version = num(d.version);
  const tv = str(d.template_name) ? `${str(d.template_name)}${version !== null ? ` v${version}` : ''}` : null;
  const rollout = `Rollout ${name ? `"${name}"` : ''}${tv ? ` of ${tv}` : ''}`.replace('  ', ' ');
  switch (e.type) {
    case 'gateway.connected':
      return `Gateway ${name} connected`;
    case 'gateway.disconnected':
      return `Gateway ${name} disconnected`;
    case 'gateway.config_failed':
      return `Gateway ${name} rejected a configuration${str(d.error) ? `: ${str(d.error)!.slice(0, 300)}` : ''}`;
    case 'deployment.created':
      return `${rollout} started${num(d.gateways) !== null ? ` on ${num(d.gateways)} gateway(s)` : ''}`;
    case 'deployment.batch_completed':
      return `${rollout}: batch ${(num(d.batch) ?? 0) + 1} of ${num(d.batches) ?? '?'} applied and soaked`;
    case 'deployment.paused':
      return `${rollout} paused${str(d.reason) ? `: ${str(d.reason)}` : ''}`;
    case 'deployment.resumed':
      return `${rollout} resumed`;
    case 'deployment.failed':
      return `${rollout} failed and is paused${str(d.reason) ? `: ${str(d.reason)}` : ''}`;
    case 'deployment.completed':
      return `${rollout} completed`;
    case 'deployment.cancelled':
      return `${rollout} cancelled`;
    case 'deployment.rolled_back':
      return `${rollout} rolled back`;
    case 'template.created':
      return `Template ${name} created`;
    case 'template.version_created':
      return `Template ${name}: version ${version ?? '?'} saved`;
    case 'alert.fired':
      return `Alert "${str(d.rule_name) ?? 'rule'}": ${str(d.message) ?? name}`;
    case 'alert.resolved':
      return `Resolved "${str(d.rule_name) ?? 'rule'}": ${str(d.message) ?? name}`;
    case 'webhook.test':
      return `Test delivery to webhook ${name}`;
    default:
      return `${e.type}${name ? ` ${name}` : ''}`;
  }
}

/** Console path of an event's subject (appended to the console's base URL). */
export function consolePathOf(subject: { type: string; id: string | null }): string {
  switch (subject.type) {
    case 'gateway':
      return subject.id ? `/agents/${subject.id}` : '/agents';
    case 'deployment':
      return subject.id ? `/deployments/${subject.id}` : '/deployments';
    case 'template':
      return subject.id ? `/templates/${subject.id}` : '/templates';
    case 'webhook':
      return subject.id ? `/settings/webhooks/${subject.id}` : '/settings?tab=webhooks';
    case 'alert_rule':
      return '/settings?tab=alerts';
    default:
      return '/';
  }
}
