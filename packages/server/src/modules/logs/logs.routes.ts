import { Type } from '@sinclair/typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import {
  CreateLogSampleBody,
  CreateLogSampleResult,
  ErrorBody,
  IdParams,
  LOG_REQUEST_MAX_BYTES,
  LOG_SAMPLE_MAX_BYTES,
  LOG_SAMPLE_MAX_LINES,
  LogSampleDetail,
  LogSampleSummary,
  MinePatternsBody,
  MinePatternsResult,
  OkResponse,
  OrgQuery,
  PreviewLogsBody,
  PreviewLogsResult,
  PriceModel,
  PriceSource,
  RenderLogBlocksBody,
  RenderLogBlocksResult,
  SaveLogTemplateBody,
  SaveLogTemplateResult,
  SuggestBody,
  Suggestion,
  type BlockInstance,
} from '@flowgate/config-model';
import type { App } from '../../platform/http/types.ts';
import { scopeOf } from '../../platform/http/auth.ts';
import { errorHandler, sendError } from '../../platform/http/errors.ts';
import type { LogStudio } from './studio.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 413: ErrorBody };
const busy = { 503: ErrorBody };

/** Samples are large: these routes take up to LOG_REQUEST_MAX_BYTES and say what to do when that is exceeded. */
const large = {
  bodyLimit: LOG_REQUEST_MAX_BYTES,
  errorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413)
      return sendError(
        reply,
        req,
        'PAYLOAD_TOO_LARGE',
        `A log sample request is limited to ${LOG_REQUEST_MAX_BYTES / 1024 / 1024} MiB: send at most ` +
          `${LOG_SAMPLE_MAX_LINES.toLocaleString('en')} lines (${LOG_SAMPLE_MAX_BYTES / 1024 / 1024} MiB are kept)`,
      );
    return errorHandler(err, req, reply);
  },
};

/** Taking a live sample from a gateway is an editor's action (it asks the gateway); the rest is computation. */
const sourceRole = (body: { gateway_id?: string }) => (body.gateway_id ? 'editor' : 'viewer');

export async function logRoutes(app: App, deps: { studio: LogStudio }) {
  const { studio } = deps;
  const tags = ['logs'];
  app.post(
    '/api/v1/logs/patterns',
    {
      ...large,
      schema: {
        tags,
        summary:
          'Mine log lines into patterns (Drain-style): per pattern the template, counts, bytes, share, ' +
          'severities, first/last seen, examples, values per variable, and the regexes to act on it; ' +
          'assignments gives the pattern of each line',
        querystring: OrgQuery,
        body: MinePatternsBody,
        response: { 200: MinePatternsResult, ...errors, ...busy },
      },
    },
    async (req) => studio.mine(scopeOf(req, sourceRole(req.body)), req.body),
  );
  app.post(
    '/api/v1/logs/samples',
    {
      ...large,
      schema: {
        tags,
        summary:
          'Save a log sample (pasted or uploaded text, JSON lines, OTLP/JSON, or a live sample from a gateway), ' +
          'bounded in lines and bytes, credentials masked',
        querystring: OrgQuery,
        body: CreateLogSampleBody,
        response: { 201: CreateLogSampleResult, ...errors, ...busy },
      },
    },
    async (req, reply) => reply.code(201).send(await studio.createSample(scopeOf(req, 'editor'), req.body)),
  );
  app.get(
    '/api/v1/logs/samples',
    {
      schema: {
        tags,
        summary: 'Saved log samples of the org, newest first',
        querystring: OrgQuery,
        response: { 200: Type.Object({ items: Type.Array(LogSampleSummary) }), ...errors },
      },
    },
    async (req) => ({ items: await studio.listSamples(scopeOf(req, 'viewer')) }),
  );
  app.get(
    '/api/v1/logs/samples/:id',
    {
      schema: {
        tags,
        summary: 'A saved log sample with its lines',
        querystring: OrgQuery,
        params: IdParams,
        response: { 200: LogSampleDetail, ...errors },
      },
    },
    async (req) => studio.getSample(scopeOf(req, 'viewer'), req.params.id),
  );
  app.delete(
    '/api/v1/logs/samples/:id',
    {
      schema: {
        tags,
        summary: 'Delete a saved log sample',
        querystring: OrgQuery,
        params: IdParams,
        response: { 200: OkResponse, ...errors },
      },
    },
    async (req) => {
      await studio.deleteSample(scopeOf(req, 'editor'), req.params.id);
      return { ok: true as const };
    },
  );
  app.post(
    '/api/v1/logs/render',
    {
      schema: {
        tags,
        summary:
          "Apply log blocks to the org's base configuration (or a given one): the resulting collector " +
          'configuration and only what the blocks add; 400 LOG_ACTIONS_INVALID lists every problem with its path',
        querystring: OrgQuery,
        body: RenderLogBlocksBody,
        response: { 200: RenderLogBlocksResult, ...errors },
      },
    },
    async (req) => studio.render(scopeOf(req, 'viewer'), { ...req.body, blocks: req.body.blocks as BlockInstance[] }),
  );
  app.post(
    '/api/v1/logs/preview',
    {
      ...large,
      schema: {
        tags,
        summary:
          'Run a sample through the real collector with log blocks: lines and bytes before/after (per pattern), ' +
          "metrics produced, the saving per day at the sample's rate priced with the org's price model",
        querystring: OrgQuery,
        body: PreviewLogsBody,
        response: { 200: PreviewLogsResult, ...errors, ...busy, 504: ErrorBody },
      },
    },
    async (req) => studio.preview(scopeOf(req, sourceRole(req.body)), req.body),
  );
  app.post(
    '/api/v1/logs/suggestions',
    {
      schema: {
        tags,
        summary:
          "Names for a pattern's variables, a parsing regex and a severity mapping: from the org's AI endpoint " +
          'when configured (settings.log_ai), else — or when it fails — from the deterministic suggester',
        querystring: OrgQuery,
        body: SuggestBody,
        response: { 200: Suggestion, ...errors },
      },
    },
    async (req) => studio.suggest(scopeOf(req, 'editor'), req.body),
  );
  app.post(
    '/api/v1/logs/ai/test',
    {
      schema: {
        tags,
        summary: "A round trip to the org's AI endpoint with a one-line example (nothing else is sent)",
        querystring: OrgQuery,
        response: {
          200: Type.Object({ ok: Type.Literal(true), model: Type.String(), duration_ms: Type.Integer() }),
          ...errors,
          409: ErrorBody,
          502: ErrorBody,
          504: ErrorBody,
        },
      },
    },
    async (req) => studio.testAi(scopeOf(req, 'admin')),
  );
  app.get(
    '/api/v1/logs/prices',
    {
      schema: {
        tags,
        summary:
          "The org's log price model (settings.prices, or the list-price defaults) with the source and date of " +
          'each default',
        querystring: OrgQuery,
        response: {
          200: Type.Object({
            prices: PriceModel,
            custom: Type.Boolean({ description: 'Whether the org set its own prices' }),
            sources: Type.Record(Type.String(), PriceSource),
          }),
          ...errors,
        },
      },
    },
    async (req) => studio.priceModel(scopeOf(req, 'viewer')),
  );
  app.post(
    '/api/v1/logs/templates',
    {
      schema: {
        tags,
        summary:
          'Save log blocks as a template: a new one on the org base configuration (name), or a new version of ' +
          'an existing template (template_id); validated like any template',
        querystring: OrgQuery,
        body: SaveLogTemplateBody,
        response: { 201: SaveLogTemplateResult, ...errors, 409: ErrorBody },
      },
    },
    async (req, reply) =>
      reply.code(201).send(
        await studio.saveTemplate(scopeOf(req, 'editor'), {
          ...req.body,
          blocks: req.body.blocks as BlockInstance[],
        }),
      ),
  );
}
