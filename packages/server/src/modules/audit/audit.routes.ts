import { Type } from '@sinclair/typebox';
import { AuditLogEntry, ErrorBody, Page, Uuid } from '@flowgate/config-model';
import type { App } from '../../platform/http/types.ts';
import { scopeOf } from '../../platform/http/auth.ts';
import type { Db } from '../../platform/db/db.ts';
import { listAudit } from './audit.store.ts';

export async function auditRoutes(app: App, deps: { db: Db }) {
  app.get(
    '/api/v1/audit-logs',
    {
      schema: {
        tags: ['audit'],
        summary: 'Audit log of the org, newest first',
        querystring: Type.Object(
          {
            org_id: Type.Optional(Uuid),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
            cursor: Type.Optional(Type.String({ maxLength: 300 })),
            action: Type.Optional(Type.String({ maxLength: 100 })),
            resource_type: Type.Optional(Type.String({ maxLength: 100 })),
            resource_id: Type.Optional(Type.String({ maxLength: 100 })),
            actor_id: Type.Optional(Type.String({ maxLength: 100 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Page(AuditLogEntry), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (req) => listAudit(deps.db, scopeOf(req, 'admin'), req.query),
  );
}
