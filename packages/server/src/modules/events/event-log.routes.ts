// The org's domain events, newest first: what webhooks were (or would have been) sent, for the console
// and for scripts. The same events reach the live stream (GET /api/v1/events) and webhooks.
import { Type } from '@sinclair/typebox';
import { DomainEvent, ErrorBody, EventLogQuery, consolePathOf } from '@flowgate/config-model';
import type { App } from '../../platform/http/types.ts';
import type { Db } from '../../platform/db/db.ts';
import { scopeOf } from '../../platform/http/auth.ts';
import { publicBaseUrl } from '../../platform/http/public-url.ts';
import { eventView } from '../webhooks/payloads.ts';
import { listEvents } from './events.store.ts';

export async function eventLogRoutes(app: App, deps: { db: Db; publicUrl: string | null }) {
  app.get(
    '/api/v1/event-log',
    {
      schema: {
        tags: ['events'],
        summary: "The org's domain events (the outbox's log), newest first; type takes a family (deployment.*)",
        querystring: EventLogQuery,
        response: {
          200: Type.Object({ items: Type.Array(DomainEvent), next_before: Type.Union([Type.String(), Type.Null()]) }),
          400: ErrorBody,
          401: ErrorBody,
          403: ErrorBody,
          404: ErrorBody,
        },
      },
    },
    async (req) => {
      const scope = scopeOf(req, 'viewer');
      const limit = req.query.limit ?? 50;
      const type = req.query.type;
      const family = type?.endsWith('.*') ? type.slice(0, -1) : undefined;
      const rows = await listEvents(deps.db, scope, {
        type: family || type === '*' ? undefined : type,
        typePrefix: family,
        before: req.query.before,
        limit,
      });
      const base = publicBaseUrl(req, deps.publicUrl);
      return {
        items: rows.map((r) => eventView(r, base, consolePathOf)),
        next_before: rows.length === limit ? rows[rows.length - 1]!.id : null,
      };
    },
  );
}
