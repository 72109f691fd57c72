import { Type } from '@sinclair/typebox';
import {
  DeleteSecretQuery,
  ErrorBody,
  OkResponse,
  OrgQuery,
  PutSecretBody,
  Secret,
  SecretInUseErrorBody,
} from '@flowgate/config-model';
import type { App } from '../../platform/http/types.ts';
import { scopeOf } from '../../platform/http/auth.ts';
import type { SecretsService } from './secrets.service.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };
const NameParams = Type.Object(
  { name: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' }) },
  { additionalProperties: false },
);

export async function secretRoutes(app: App, deps: { secrets: SecretsService }) {
  const { secrets } = deps;
  const tags = ['secrets'];
  app.get(
    '/api/v1/secrets',
    {
      schema: {
        tags,
        summary: 'Secret names of the org (values are never returned)',
        querystring: OrgQuery,
        response: { 200: Type.Object({ items: Type.Array(Secret) }), ...errors },
      },
    },
    async (req) => ({ items: await secrets.list(scopeOf(req, 'viewer')) }),
  );
  app.put(
    '/api/v1/secrets',
    {
      schema: {
        tags,
        summary: 'Create or replace a secret; templates reference it as ${secret:NAME}',
        querystring: OrgQuery,
        body: PutSecretBody,
        response: { 200: Secret, 201: Secret, ...errors },
      },
    },
    async (req, reply) => {
      const { created, secret } = await secrets.put(scopeOf(req, 'admin'), req.body.name, req.body.value);
      return reply.code(created ? 201 : 200).send(secret);
    },
  );
  app.delete(
    '/api/v1/secrets/:name',
    {
      schema: {
        tags,
        summary:
          'Delete a secret; 409 SECRET_IN_USE (details.used_by: gateways and templates) ' +
          'while a gateway configuration or a live template version references it, unless force=true',
        querystring: DeleteSecretQuery,
        params: NameParams,
        response: { 200: OkResponse, ...errors, 409: SecretInUseErrorBody },
      },
    },
    async (req) => {
      await secrets.remove(scopeOf(req, 'admin'), req.params.name, { force: req.query.force === true });
      return { ok: true as const };
    },
  );
}
