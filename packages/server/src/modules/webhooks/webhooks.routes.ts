import { Type } from '@sinclair/typebox';
import {
  CreateWebhookBody,
  DeliveriesQuery,
  DeliveryParams,
  ErrorBody,
  IdParams,
  OkResponse,
  OrgQuery,
  PatchWebhookBody,
  Webhook,
  WebhookDelivery,
  WebhookWithSecret,
  domainEventCatalogue,
} from '@flowgate/config-model';
import type { App } from '../../platform/http/types.ts';
import { scopeOf } from '../../platform/http/auth.ts';
import { publicBaseUrl } from '../../platform/http/public-url.ts';
import type { WebhooksService } from './webhooks.service.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

export async function webhookRoutes(app: App, deps: { webhooks: WebhooksService; publicUrl: string | null }) {
  const { webhooks } = deps;
  const tags = ['webhooks'];
  const one = { querystring: OrgQuery, params: IdParams };

  app.get(
    '/api/v1/event-types',
    {
      schema: {
        tags,
        summary: 'The domain events webhooks can subscribe to, with what each means',
        querystring: OrgQuery,
        response: {
          200: Type.Object({ items: Type.Array(Type.Object({ type: Type.String(), description: Type.String() })) }),
          ...errors,
        },
      },
    },
    async (req) => {
      scopeOf(req, 'viewer');
      return { items: Object.entries(domainEventCatalogue).map(([type, description]) => ({ type, description })) };
    },
  );
  app.get(
    '/api/v1/webhooks',
    {
      schema: {
        tags,
        summary: "The org's webhooks (URLs masked; the signing secret is never shown again)",
        querystring: OrgQuery,
        response: { 200: Type.Object({ items: Type.Array(Webhook) }), ...errors },
      },
    },
    async (req) => webhooks.list(scopeOf(req, 'viewer')),
  );
  app.post(
    '/api/v1/webhooks',
    {
      schema: {
        tags,
        summary:
          'Create a webhook: events (["deployment.*"]) sent as signed JSON, a Slack message, or a Jira/GitHub ' +
          'issue. The answer carries the signing secret, shown this once',
        querystring: OrgQuery,
        body: CreateWebhookBody,
        response: { 201: WebhookWithSecret, ...errors },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await webhooks.create(scopeOf(req, 'admin'), req.body, publicBaseUrl(req, deps.publicUrl))),
  );
  app.get(
    '/api/v1/webhooks/:id',
    { schema: { tags, summary: 'A webhook', ...one, response: { 200: Webhook, ...errors } } },
    async (req) => webhooks.get(scopeOf(req, 'viewer'), req.params.id),
  );
  app.patch(
    '/api/v1/webhooks/:id',
    {
      schema: {
        tags,
        summary:
          'Change a webhook (URL, events, name, enabled, connector options) or rotate its signing secret ' +
          '(rotate_secret: the new one is in this answer only)',
        ...one,
        body: PatchWebhookBody,
        response: {
          200: Type.Composite([Webhook, Type.Object({ secret: Type.Optional(Type.String()) })]),
          ...errors,
        },
      },
    },
    async (req) => webhooks.update(scopeOf(req, 'admin'), req.params.id, req.body),
  );
  app.delete(
    '/api/v1/webhooks/:id',
    {
      schema: {
        tags,
        summary: 'Delete a webhook and its delivery log',
        ...one,
        response: { 200: OkResponse, ...errors },
      },
    },
    async (req) => {
      await webhooks.remove(scopeOf(req, 'admin'), req.params.id);
      return { ok: true as const };
    },
  );
  app.post(
    '/api/v1/webhooks/:id/test',
    {
      schema: {
        tags,
        summary: 'Send a webhook.test event to this webhook (through the outbox, like every event)',
        ...one,
        response: { 202: Type.Object({ event_id: Type.String() }), ...errors },
      },
    },
    async (req, reply) => reply.code(202).send(await webhooks.test(scopeOf(req, 'admin'), req.params.id)),
  );
  app.get(
    '/api/v1/webhooks/:id/deliveries',
    {
      schema: {
        tags,
        summary: 'Deliveries of a webhook, newest first: status, attempts (each with its answer), last error',
        querystring: DeliveriesQuery,
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(WebhookDelivery) }), ...errors },
      },
    },
    async (req) => webhooks.deliveries(scopeOf(req, 'viewer'), req.params.id, req.query),
  );
  app.get(
    '/api/v1/webhooks/:id/deliveries/:delivery_id',
    {
      schema: {
        tags,
        summary: 'One delivery with its attempts',
        querystring: OrgQuery,
        params: DeliveryParams,
        response: { 200: WebhookDelivery, ...errors },
      },
    },
    async (req) => webhooks.delivery(scopeOf(req, 'viewer'), req.params.id, req.params.delivery_id),
  );
  app.post(
    '/api/v1/webhooks/:id/deliveries/:delivery_id/redeliver',
    {
      schema: {
        tags,
        summary: 'Send a delivery again now (a new 24-hour retry window)',
        querystring: OrgQuery,
        params: DeliveryParams,
        response: { 200: WebhookDelivery, ...errors },
      },
    },
    async (req) => webhooks.redeliver(scopeOf(req, 'admin'), req.params.id, req.params.delivery_id),
  );
}
