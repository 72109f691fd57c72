import { Type } from '@sinclair/typebox';
import {
  CreateTemplateBody,
  CreateTemplateVersionBody,
  ErrorBody,
  IdParams,
  OkResponse,
  OrgQuery,
  Page,
  PageQuery,
  Template,
  TemplateDetail,
  TemplateDiff,
  TemplateVersion,
  TemplateVersionSummary,
  Uuid,
} from '@flowgate/config-model';
import type { App } from '../../platform/http/types.ts';
import { scopeOf } from '../../platform/http/auth.ts';
import type { TemplatesService } from './templates.service.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const ListQuery = Type.Object({ org_id: Type.Optional(Uuid), ...PageQuery }, { additionalProperties: false });
const VersionParams = Type.Object({ id: Uuid, n: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });
const DiffQuery = Type.Object(
  { org_id: Type.Optional(Uuid), from: Type.Integer({ minimum: 1 }), to: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);

export async function templateRoutes(app: App, deps: { templates: TemplatesService }) {
  const { templates } = deps;
  const tags = ['templates'];
  const one = { querystring: OrgQuery, params: IdParams };

  app.post(
    '/api/v1/templates',
    {
      schema: {
        tags,
        summary: 'Create a template with its first version (YAML syntax checked; invalid YAML is never stored)',
        querystring: OrgQuery,
        body: CreateTemplateBody,
        response: { 201: TemplateDetail, ...errors },
      },
    },
    async (req, reply) => reply.code(201).send(await templates.create(scopeOf(req, 'editor'), req.body)),
  );

  app.get(
    '/api/v1/templates',
    {
      schema: {
        tags,
        summary: 'Templates of the org, by name',
        querystring: ListQuery,
        response: { 200: Page(Template), ...errors },
      },
    },
    async (req) => templates.list(scopeOf(req, 'viewer'), req.query),
  );

  app.get(
    '/api/v1/templates/:id',
    {
      schema: {
        tags,
        summary: 'A template with its latest version',
        ...one,
        response: { 200: TemplateDetail, ...errors },
      },
    },
    async (req) => templates.get(scopeOf(req, 'viewer'), req.params.id),
  );

  app.delete(
    '/api/v1/templates/:id',
    {
      schema: {
        tags,
        summary: 'Delete a template and its versions (refused while an active deployment uses it)',
        ...one,
        response: { 200: OkResponse, ...errors },
      },
    },
    async (req) => {
      await templates.remove(scopeOf(req, 'admin'), req.params.id);
      return { ok: true as const };
    },
  );

  app.get(
    '/api/v1/templates/:id/versions',
    {
      schema: {
        tags,
        summary: 'Versions of a template, newest first',
        querystring: ListQuery,
        params: IdParams,
        response: { 200: Page(TemplateVersionSummary), ...errors },
      },
    },
    async (req) => templates.versions(scopeOf(req, 'viewer'), req.params.id, req.query),
  );

  app.post(
    '/api/v1/templates/:id/versions',
    {
      schema: {
        tags,
        summary:
          'Save a new immutable version (base_version: optimistic lock, 409 STALE_VERSION when someone saved since)',
        ...one,
        body: CreateTemplateVersionBody,
        response: { 201: TemplateVersionSummary, ...errors },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await templates.createVersion(scopeOf(req, 'editor'), req.params.id, req.body)),
  );

  app.get(
    '/api/v1/templates/:id/versions/:n',
    {
      schema: {
        tags,
        summary: 'One version with its configuration',
        querystring: OrgQuery,
        params: VersionParams,
        response: { 200: TemplateVersion, ...errors },
      },
    },
    async (req) => templates.version(scopeOf(req, 'viewer'), req.params.id, req.params.n),
  );

  app.get(
    '/api/v1/templates/:id/diff',
    {
      schema: {
        tags,
        summary: 'Unified diff between two versions',
        querystring: DiffQuery,
        params: IdParams,
        response: { 200: TemplateDiff, ...errors },
      },
    },
    async (req) => templates.diff(scopeOf(req, 'viewer'), req.params.id, req.query.from, req.query.to),
  );
}
