import { Type } from '@sinclair/typebox';
import {
  CreateUsageSourceBody,
  ErrorBody,
  IdParams,
  MetricNameParams,
  MetricUsage,
  OkResponse,
  OrgQuery,
  USAGE_UPLOAD_MAX_BYTES,
  UsageMetricsPage,
  UsageMetricsQuery,
  UsageSource,
} from '@flowgate/config-model';
import type { App } from '../../platform/http/types.ts';
import { scopeOf } from '../../platform/http/auth.ts';
import type { UsageService } from './usage.service.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };

export async function usageRoutes(app: App, deps: { usage: UsageService }) {
  const { usage } = deps;
  const tags = ['usage'];
  app.post(
    '/api/v1/usage/sources',
    {
      // A dashboard reaches a few MB, and JSON escaping inflates it further: the upload route alone takes
      // more than the API's 1 MiB; past this limit the answer is 413 PAYLOAD_TOO_LARGE.
      bodyLimit: USAGE_UPLOAD_MAX_BYTES + 64 * 1024,
      schema: {
        tags,
        summary:
          'Add a usage source: an upload (grafana_dashboard JSON, prometheus_rules YAML; 400 with a USAGE_* code ' +
          'when it is not one, nothing stored) or a connector (grafana, prometheus; read at once, errors on the source)',
        querystring: OrgQuery,
        body: CreateUsageSourceBody,
        response: { 201: UsageSource, ...errors, 409: ErrorBody, 413: ErrorBody },
      },
    },
    async (req, reply) => reply.code(201).send(await usage.create(scopeOf(req, 'editor'), req.body)),
  );
  app.get(
    '/api/v1/usage/sources',
    {
      schema: {
        tags,
        summary: 'Usage sources of the org with their status, what they held and their problems',
        querystring: OrgQuery,
        response: { 200: Type.Object({ items: Type.Array(UsageSource) }), ...errors },
      },
    },
    async (req) => ({ items: await usage.list(scopeOf(req, 'viewer')) }),
  );
  app.get(
    '/api/v1/usage/sources/:id',
    {
      schema: {
        tags,
        summary: 'One usage source',
        querystring: OrgQuery,
        params: IdParams,
        response: { 200: UsageSource, ...errors },
      },
    },
    async (req) => usage.get(scopeOf(req, 'viewer'), req.params.id),
  );
  app.delete(
    '/api/v1/usage/sources/:id',
    {
      schema: {
        tags,
        summary: 'Remove a usage source; the org usage is merged again without it',
        querystring: OrgQuery,
        params: IdParams,
        response: { 200: OkResponse, ...errors },
      },
    },
    async (req) => {
      await usage.remove(scopeOf(req, 'editor'), req.params.id);
      return { ok: true as const };
    },
  );
  app.post(
    '/api/v1/usage/sources/:id/refresh',
    {
      schema: {
        tags,
        summary:
          'Read the source again now (connectors fetch; uploads are re-analysed); a failure is recorded on the source',
        querystring: OrgQuery,
        params: IdParams,
        response: { 200: UsageSource, ...errors },
      },
    },
    async (req) => usage.refresh(scopeOf(req, 'editor'), req.params.id),
  );
  app.get(
    '/api/v1/usage/metrics',
    {
      schema: {
        tags,
        summary:
          'Every metric a source reads and every metric the org sends (inventory), with whether it is used, ' +
          'the labels queries depend on and what reads it (first 20 readers; the metric route has all)',
        querystring: UsageMetricsQuery,
        response: { 200: UsageMetricsPage, ...errors },
      },
    },
    async (req) => {
      const { org_id: _org, ...query } = req.query;
      return usage.metrics(scopeOf(req, 'viewer'), query);
    },
  );
  app.get(
    '/api/v1/usage/metrics/:name',
    {
      schema: {
        tags,
        summary: 'One metric with every query that reads it, in full',
        querystring: OrgQuery,
        params: MetricNameParams,
        response: { 200: MetricUsage, ...errors },
      },
    },
    async (req) => usage.metric(scopeOf(req, 'viewer'), req.params.name),
  );
}
