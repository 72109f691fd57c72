import { Type } from '@sinclair/typebox';
import {
  Backend,
  BlockCatalogueEntry,
  CreateBackendBody,
  ErrorBody,
  IdParams,
  OkResponse,
  OrgQuery,
  PatchBackendBody,
  RenderBlockBody,
  RenderedBlockView,
  TemplateFromBackends,
  TemplateFromBackendsBody,
} from '@flowgate/config-model';
import type { App } from '../../platform/http/types.ts';
import { scopeOf } from '../../platform/http/auth.ts';
import type { BackendsService } from './backends.service.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };

export async function backendRoutes(app: App, deps: { backends: BackendsService }) {
  const { backends } = deps;
  const tags = ['backends'];
  const one = { querystring: OrgQuery, params: IdParams };

  app.get(
    '/api/v1/blocks',
    {
      schema: {
        tags,
        summary: 'The building-block catalogue: type, category, title, signals, JSON schema and defaults of each',
        querystring: OrgQuery,
        response: { 200: Type.Object({ items: Type.Array(BlockCatalogueEntry) }), ...errors },
      },
    },
    async (req) => {
      scopeOf(req, 'viewer');
      return backends.catalogue();
    },
  );
  app.post(
    '/api/v1/blocks/render',
    {
      schema: {
        tags,
        summary:
          "Check a block configuration against its schema, its rules and the org's secret names, and render " +
          'its collector components (nothing is stored)',
        querystring: OrgQuery,
        body: RenderBlockBody,
        response: { 200: RenderedBlockView, ...errors },
      },
    },
    async (req) => backends.render(scopeOf(req, 'viewer'), req.body),
  );

  app.get(
    '/api/v1/backends',
    {
      schema: {
        tags,
        summary: 'Saved backends of the org, by name (secrets are referenced by name only)',
        querystring: OrgQuery,
        response: { 200: Type.Object({ items: Type.Array(Backend) }), ...errors },
      },
    },
    async (req) => backends.list(scopeOf(req, 'viewer')),
  );
  app.post(
    '/api/v1/backends',
    {
      schema: {
        tags,
        summary:
          'Save a backend: a backend preset with its configuration (422 INVALID_BLOCK_CONFIG lists every problem)',
        querystring: OrgQuery,
        body: CreateBackendBody,
        response: { 201: Backend, ...errors },
      },
    },
    async (req, reply) => reply.code(201).send(await backends.create(scopeOf(req, 'admin'), req.body)),
  );
  app.get(
    '/api/v1/backends/:id',
    { schema: { tags, summary: 'A saved backend', ...one, response: { 200: Backend, ...errors } } },
    async (req) => backends.get(scopeOf(req, 'viewer'), req.params.id),
  );
  app.patch(
    '/api/v1/backends/:id',
    {
      schema: {
        tags,
        summary: 'Rename a backend or replace its configuration (checked like a new one; the type stays)',
        ...one,
        body: PatchBackendBody,
        response: { 200: Backend, ...errors },
      },
    },
    async (req) => backends.update(scopeOf(req, 'admin'), req.params.id, req.body),
  );
  app.delete(
    '/api/v1/backends/:id',
    {
      schema: {
        tags,
        summary: 'Delete a backend (templates made from it keep their rendered configuration)',
        ...one,
        response: { 200: OkResponse, ...errors },
      },
    },
    async (req) => {
      await backends.remove(scopeOf(req, 'admin'), req.params.id);
      return { ok: true as const };
    },
  );
  app.post(
    '/api/v1/backends/:id/render',
    {
      schema: {
        tags,
        summary: "A saved backend's collector components (YAML) and the pipelines they go into",
        ...one,
        response: { 200: RenderedBlockView, ...errors },
      },
    },
    async (req) => backends.renderSaved(scopeOf(req, 'viewer'), req.params.id),
  );
  app.post(
    '/api/v1/templates/from-backends',
    {
      schema: {
        tags: [...tags, 'templates'],
        summary:
          'Create a template whose version 1 is the composed configuration of the given backends (OTLP receivers, ' +
          'memory_limiter, batch, one pipeline per signal), validated like any configuration',
        querystring: OrgQuery,
        body: TemplateFromBackendsBody,
        response: { 201: TemplateFromBackends, ...errors },
      },
    },
    async (req, reply) => reply.code(201).send(await backends.templateFromBackends(scopeOf(req, 'editor'), req.body)),
  );
}
