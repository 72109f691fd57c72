import { Type } from '@sinclair/typebox';
import {
  AgentTag,
  CreateRegistrationTokenBody,
  CreatedRegistrationToken,
  ErrorBody,
  FleetSummary,
  GatewayConfig,
  GatewayDetail,
  GatewayHealth,
  GatewayListQuery,
  GatewayMetrics,
  GatewayStatusResponse,
  GatewaySummary,
  GatewayVersion,
  HeartbeatResponse,
  IdParams,
  OkResponse,
  OrgQuery,
  Page,
  RegisterGatewayBody,
  RegisterGatewayResponse,
  RegistrationToken,
  RotateTokenResponse,
  Tags,
  UpdateGatewayBody,
  UpdateTagsBody,
  Uuid,
  gatewayInstallCommand,
  REGISTRATION_TOKEN_PLACEHOLDER,
} from '@flowgate/config-model';
import type { App } from '../../platform/http/types.ts';
import { bearerOf, requirePrincipal, scopeOf } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/errors.ts';
import { publicBaseUrl } from '../../platform/http/public-url.ts';
import type { GatewaysService } from './gateways.service.ts';
import type { GatewayRow } from './gateways.store.ts';
import { INSTALL_DIR, supervisorYaml } from './supervisor-config.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 429: ErrorBody };

export async function gatewayRoutes(
  app: App,
  deps: {
    gateways: GatewaysService;
    publicUrl: string | null;
    touch: (row: GatewayRow) => void;
    tokenRateLimit: { max: number; timeWindow: string };
  },
) {
  const { gateways } = deps;
  const tags = ['gateways'];

  // ── registration tokens ──
  app.post(
    '/api/v1/registration-tokens',
    {
      config: { rateLimit: deps.tokenRateLimit },
      schema: {
        tags: ['registration-tokens'],
        summary: 'Create a registration token (plaintext shown once)',
        querystring: OrgQuery,
        body: CreateRegistrationTokenBody,
        response: { 201: CreatedRegistrationToken, ...errors },
      },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(await gateways.createRegistrationToken(scopeOf(req, 'admin'), requirePrincipal(req), req.body)),
  );
  app.get(
    '/api/v1/registration-tokens',
    {
      schema: {
        tags: ['registration-tokens'],
        summary: 'Registration tokens (hashes only; no plaintext)',
        querystring: OrgQuery,
        response: { 200: Type.Object({ items: Type.Array(RegistrationToken) }), ...errors },
      },
    },
    async (req) => ({ items: await gateways.listRegistrationTokens(scopeOf(req, 'viewer')) }),
  );
  app.delete(
    '/api/v1/registration-tokens/:id',
    {
      schema: {
        tags: ['registration-tokens'],
        summary: 'Revoke a registration token',
        querystring: OrgQuery,
        params: IdParams,
        response: { 200: OkResponse, ...errors },
      },
    },
    async (req) => {
      await gateways.revokeRegistrationToken(scopeOf(req, 'admin'), req.params.id);
      return { ok: true as const };
    },
  );

  app.get(
    '/api/v1/supervisor/config',
    {
      schema: {
        tags: ['registration-tokens'],
        summary: 'A ready-to-use supervisor config for a registration token (the token itself stays a placeholder)',
        querystring: Type.Object(
          {
            org_id: Type.Optional(Uuid),
            registration_token_id: Uuid,
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^[\\w. -]+$' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            supervisor_yaml: Type.String(),
            command: Type.String(),
            install_command: Type.String({
              description: 'The install script for a new host (downloads, verifies and starts the gateway)',
            }),
            registration_token: RegistrationToken,
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const scope = scopeOf(req, 'viewer');
      const token = await gateways.getRegistrationToken(scope, req.query.registration_token_id);
      const base = publicBaseUrl(req, deps.publicUrl);
      const name = req.query.name ?? 'gateway-1';
      const installCommand = gatewayInstallCommand(base, REGISTRATION_TOKEN_PLACEHOLDER, { name });
      return {
        supervisor_yaml: supervisorYaml({
          opampUrl: `${base.replace(/^http/, 'ws')}/v1/opamp`,
          name,
          installCommand,
          downloadsUrl: `${base}/downloads/gateway/`,
        }),
        command: `FLOWGATE_TOKEN=${REGISTRATION_TOKEN_PLACEHOLDER} ${INSTALL_DIR}/opampsupervisor --config supervisor.yaml`,
        install_command: installCommand,
        registration_token: token,
      };
    },
  );

  // ── enrolment (registration token) and agent endpoints (OpAMP token) ──
  app.post(
    '/api/v1/gateways',
    {
      config: { public: true, rateLimit: deps.tokenRateLimit },
      schema: {
        tags,
        summary: 'Register a gateway with a registration token (Authorization: Bearer <registration token>)',
        security: [{ bearer: [] }],
        body: RegisterGatewayBody,
        response: { 201: RegisterGatewayResponse, ...errors },
      },
    },
    async (req, reply) => {
      const token = bearerOf(req);
      if (!token) throw new AppError('INVALID_REGISTRATION_TOKEN');
      const endpoint = `${publicBaseUrl(req, deps.publicUrl).replace(/^http/, 'ws')}/v1/opamp`;
      return reply.code(201).send(await gateways.register(token, req.body, endpoint));
    },
  );
  const InstanceParams = Type.Object(
    { instance_id: Type.String({ minLength: 1, maxLength: 200 }) },
    { additionalProperties: false },
  );
  app.post(
    '/api/v1/opamp/heartbeat/:instance_id',
    {
      config: { public: true },
      schema: {
        tags: ['opamp'],
        summary: 'Gateway heartbeat (Authorization: Bearer <OpAMP token>)',
        params: InstanceParams,
        response: { 200: HeartbeatResponse, ...errors },
      },
    },
    async (req) => {
      const token = bearerOf(req);
      if (!token) throw new AppError('INVALID_OPAMP_TOKEN');
      return gateways.heartbeat(token, req.params.instance_id, deps.touch);
    },
  );
  app.get(
    '/api/v1/opamp/config/:instance_id',
    {
      config: { public: true },
      schema: {
        tags: ['opamp'],
        summary: 'Configuration for a gateway: its active deployment, else the base config (OpAMP token)',
        params: InstanceParams,
        response: { 200: GatewayConfig, ...errors },
      },
    },
    async (req) => {
      const token = bearerOf(req);
      if (!token) throw new AppError('INVALID_OPAMP_TOKEN');
      return gateways.configForAgent(token, req.params.instance_id);
    },
  );

  // ── fleet ──
  app.get(
    '/api/v1/gateways',
    {
      schema: {
        tags,
        summary: 'Gateways of the org, paged',
        querystring: GatewayListQuery,
        response: { 200: Page(GatewaySummary), ...errors },
      },
    },
    async (req) => gateways.list(scopeOf(req, 'viewer'), req.query),
  );
  app.get(
    '/api/v1/gateways/summary',
    {
      schema: {
        tags,
        summary: 'Fleet summary: counts by health, status and version',
        querystring: OrgQuery,
        response: { 200: FleetSummary, ...errors },
      },
    },
    async (req) => gateways.summary(scopeOf(req, 'viewer')),
  );
  app.get(
    '/api/v1/gateways/count',
    {
      schema: {
        tags,
        summary: 'How many gateways match a filter (tag=k=v, status, name)',
        querystring: Type.Object(
          {
            org_id: Type.Optional(Uuid),
            status: Type.Optional(Type.String({ maxLength: 32 })),
            name: Type.Optional(Type.String({ maxLength: 200 })),
            tag: Type.Optional(Type.String({ maxLength: 300 })),
            tags: Type.Optional(
              Type.String({ maxLength: 2000, description: 'JSON object of tags that must all match' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ count: Type.Integer() }), ...errors },
      },
    },
    async (req) => {
      let tagMap: Record<string, string> | undefined;
      if (req.query.tags) {
        try {
          tagMap = JSON.parse(req.query.tags);
        } catch {
          throw new AppError('VALIDATION_FAILED', 'tags must be a JSON object');
        }
      }
      return gateways.count(scopeOf(req, 'viewer'), { ...req.query, tags: tagMap });
    },
  );
  app.get(
    '/api/v1/agent-tags',
    {
      schema: {
        tags,
        summary: 'Tag keys and values in use',
        querystring: OrgQuery,
        response: { 200: Type.Object({ items: Type.Array(AgentTag) }), ...errors },
      },
    },
    async (req) => ({ items: await gateways.agentTags(scopeOf(req, 'viewer')) }),
  );

  const q = { querystring: OrgQuery, params: IdParams };
  app.get(
    '/api/v1/gateways/:id',
    {
      schema: {
        tags,
        summary: 'Gateway detail with live OpAMP state',
        ...q,
        response: { 200: GatewayDetail, ...errors },
      },
    },
    async (req) => gateways.get(scopeOf(req), req.params.id),
  );
  app.get(
    '/api/v1/gateways/:id/health',
    {
      schema: { tags, summary: 'Health (seed rules + live state)', ...q, response: { 200: GatewayHealth, ...errors } },
    },
    async (req) => gateways.health(scopeOf(req), req.params.id),
  );
  app.get(
    '/api/v1/gateways/:id/version',
    { schema: { tags, summary: 'Version and capabilities', ...q, response: { 200: GatewayVersion, ...errors } } },
    async (req) => gateways.version(scopeOf(req), req.params.id),
  );
  app.get(
    '/api/v1/gateways/:id/config',
    {
      schema: {
        tags,
        summary: 'Assigned and effective configuration (credentials masked)',
        ...q,
        response: { 200: GatewayConfig, ...errors },
      },
    },
    async (req) => gateways.config(scopeOf(req), req.params.id),
  );
  app.get(
    '/api/v1/gateways/:id/metrics',
    {
      schema: {
        tags,
        summary: "Throughput from the gateway's own metrics",
        ...q,
        response: { 200: GatewayMetrics, ...errors },
      },
    },
    async (req) => gateways.metrics(scopeOf(req), req.params.id),
  );
  app.get(
    '/api/v1/gateways/:id/status',
    {
      schema: {
        tags,
        summary: 'Combined health, version, config and metrics',
        ...q,
        response: { 200: GatewayStatusResponse, ...errors },
      },
    },
    async (req) => gateways.status(scopeOf(req), req.params.id),
  );
  app.get(
    '/api/v1/gateways/:id/config-events',
    {
      schema: {
        tags,
        summary: 'Remote-config status changes with time and error text',
        ...q,
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                config_hash: Type.Union([Type.String(), Type.Null()]),
                status: Type.String(),
                error_message: Type.Union([Type.String(), Type.Null()]),
                created_at: Type.String(),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (req) => ({ items: await gateways.configEvents(scopeOf(req), req.params.id) }),
  );
  app.put(
    '/api/v1/gateways/:id/tags',
    {
      schema: {
        tags,
        summary: "Replace the gateway's tags",
        ...q,
        body: UpdateTagsBody,
        response: { 200: GatewayDetail, ...errors },
      },
    },
    async (req) => gateways.setTags(scopeOf(req, 'editor'), req.params.id, req.body.tags),
  );
  app.patch(
    '/api/v1/gateways/:id',
    {
      schema: {
        tags,
        summary: 'Rename a gateway',
        ...q,
        body: UpdateGatewayBody,
        response: { 200: GatewayDetail, ...errors },
      },
    },
    async (req) => {
      const scope = scopeOf(req, 'editor');
      if (!req.body.name) return gateways.get(scope, req.params.id);
      return gateways.rename(scope, req.params.id, req.body.name);
    },
  );
  app.delete(
    '/api/v1/gateways/:id',
    {
      schema: {
        tags,
        summary: 'Delete a gateway (its connection is closed)',
        ...q,
        response: { 200: OkResponse, ...errors },
      },
    },
    async (req) => {
      await gateways.remove(scopeOf(req, 'admin'), req.params.id);
      return { ok: true as const };
    },
  );
  app.post(
    '/api/v1/gateways/:id/revoke-token',
    {
      schema: {
        tags,
        summary:
          "Revoke the gateway's OpAMP token (its connection is closed, " +
          'refused at next connect); 409 GATEWAY_HAS_NO_TOKEN for a zero-touch ' +
          'gateway without one (revoke its registration token instead)',
        ...q,
        response: { 200: OkResponse, ...errors },
      },
    },
    async (req) => gateways.revokeToken(scopeOf(req, 'admin'), req.params.id),
  );
  app.post(
    '/api/v1/gateways/:id/rotate-token',
    {
      config: { rateLimit: deps.tokenRateLimit },
      schema: {
        tags,
        summary:
          'Issue a new OpAMP token; the old one stops working. A zero-touch gateway gets a token of ' +
          'its own; its registration token still admits it until revoked',
        ...q,
        response: { 200: RotateTokenResponse, ...errors },
      },
    },
    async (req) => gateways.rotateToken(scopeOf(req, 'admin'), req.params.id),
  );
  app.post(
    '/api/v1/gateways/:id/restart',
    {
      schema: {
        tags,
        summary: 'Restart the collector (needs AcceptsRestartCommand)',
        ...q,
        response: { 200: OkResponse, ...errors },
      },
    },
    async (req) => gateways.restart(scopeOf(req, 'editor'), req.params.id),
  );
  void Tags;
}
