import { Type } from '@sinclair/typebox';
import {
  CreateDeploymentBody,
  Deployment,
  DeploymentCreated,
  DeploymentDetail,
  ErrorBody,
  GatewayDeploymentHistoryEntry,
  IdParams,
  OrgQuery,
  Page,
  Uuid,
} from '@flowgate/config-model';
import type { App } from '../../platform/http/types.ts';
import { scopeOf } from '../../platform/http/auth.ts';
import type { DeploymentsService } from './deployments.service.ts';

export async function deploymentRoutes(
  app: App,
  deps: {
    deployments: DeploymentsService;
    gatewayExists(scope: ReturnType<typeof scopeOf>, id: string): Promise<void>;
  },
) {
  const { deployments } = deps;
  const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
  const tags = ['deployments'];
  app.post(
    '/api/v1/deployments',
    {
      schema: {
        tags,
        summary: 'Roll a template version out to gateways (all at once or canary batches)',
        querystring: OrgQuery,
        body: CreateDeploymentBody,
        response: { 201: DeploymentCreated, ...errors },
      },
    },
    async (req, reply) => reply.code(201).send(await deployments.create(scopeOf(req, 'editor'), req.body)),
  );
  app.get(
    '/api/v1/deployments',
    {
      schema: {
        tags,
        summary: 'Deployments, newest first',
        querystring: Type.Object(
          {
            org_id: Type.Optional(Uuid),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
            status: Type.Optional(Type.String({ maxLength: 32 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Page(Deployment), ...errors },
      },
    },
    async (req) => deployments.list(scopeOf(req), req.query),
  );
  const q = { querystring: OrgQuery, params: IdParams };
  app.get(
    '/api/v1/deployments/:id',
    {
      schema: {
        tags,
        summary: "Deployment with every target's status",
        ...q,
        response: { 200: DeploymentDetail, ...errors },
      },
    },
    async (req) => deployments.get(scopeOf(req), req.params.id),
  );
  for (const action of ['pause', 'resume', 'cancel', 'rollback'] as const) {
    app.post(
      `/api/v1/deployments/:id/${action}`,
      {
        schema: {
          tags,
          summary: `${action[0]!.toUpperCase()}${action.slice(1)} the deployment`,
          ...q,
          response: { 200: DeploymentDetail, ...errors },
        },
      },
      async (req) => deployments[action](scopeOf(req, 'editor'), (req.params as { id: string }).id),
    );
  }
  app.get(
    '/api/v1/gateways/:id/deployments',
    {
      schema: {
        tags: ['gateways'],
        summary: 'Deployment history of a gateway: version, when, by whom, outcome',
        ...q,
        response: { 200: Type.Object({ items: Type.Array(GatewayDeploymentHistoryEntry) }), ...errors },
      },
    },
    async (req) => {
      const scope = scopeOf(req);
      await deps.gatewayExists(scope, req.params.id);
      return { items: await deployments.history(scope, req.params.id) };
    },
  );
}
