// Public: GET /install.sh and the gateway downloads (hosts that install a gateway have no credentials
// yet; the registration token is checked when the gateway registers). Authenticated: what the UI shows.
// The public routes are outside the REST API and hidden from /openapi.json, like /healthz.
import { Type } from '@sinclair/typebox';
import { ErrorBody, GatewayDownloadsIndex, GatewayInstallInfo } from '@flowgate/config-model';
import type { App } from '../../platform/http/types.ts';
import { requirePrincipal } from '../../platform/http/auth.ts';
import { safePublicBaseUrl } from '../../platform/http/public-url.ts';
import type { GatewayInstallService } from './gateway-install.service.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody };

export async function gatewayInstallRoutes(
  app: App,
  deps: { install: GatewayInstallService; publicUrl: string | null },
) {
  const { install } = deps;

  app.get(
    '/install.sh',
    {
      config: { public: true },
      schema: {
        hide: true,
        summary: 'The gateway install script (POSIX sh) with this server URL filled in',
        response: { 200: Type.String(), ...errors },
      },
    },
    async (req, reply) => {
      const script = await install.installScript(safePublicBaseUrl(req, deps.publicUrl));
      return reply.header('cache-control', 'no-cache').type('text/plain; charset=utf-8').send(script);
    },
  );

  for (const url of ['/downloads/gateway', '/downloads/gateway/']) {
    app.get(
      url,
      {
        config: { public: true },
        schema: {
          hide: true,
          summary: 'Gateway downloads: platforms, version, files with sha256 and size',
          response: { 200: GatewayDownloadsIndex, ...errors },
        },
      },
      async (req, reply) => {
        reply.header('cache-control', 'no-cache');
        return install.index(safePublicBaseUrl(req, deps.publicUrl));
      },
    );
  }

  app.route({
    method: ['GET', 'HEAD'],
    url: '/downloads/gateway/:platform/:file',
    config: { public: true },
    schema: {
      hide: true,
      summary: 'A gateway download: flowgate-gateway-<os>-<arch>.tar(.gz) or SHA256SUMS',
      params: Type.Object(
        { platform: Type.String({ maxLength: 100 }), file: Type.String({ maxLength: 200 }) },
        { additionalProperties: false },
      ),
      // A file (streamed from disk) or no body (HEAD, 304): nothing to serialise.
      response: { 200: Type.Unknown(), 304: Type.Unknown(), ...errors },
    },
    handler: async (req, reply) => {
      const file = await install.file(req.params.platform, req.params.file);
      const etag = `"${file.sha256}"`;
      reply
        .header('etag', etag)
        .header('cache-control', 'no-cache')
        .header('content-type', file.contentType)
        .header('content-disposition', `attachment; filename="${file.name}"`);
      if (req.headers['if-none-match']?.split(/\s*,\s*/).includes(etag)) return reply.code(304).send();
      reply.header('content-length', file.size);
      if (req.method === 'HEAD') return reply.send();
      return reply.send(file.open());
    },
  });

  app.get(
    '/api/v1/gateway-install',
    {
      schema: {
        tags: ['gateways'],
        summary: 'How to install a gateway on a new host: the command, and whether this server has a gateway build',
        response: { 200: GatewayInstallInfo, ...errors },
      },
    },
    async (req) => {
      requirePrincipal(req);
      return install.info(safePublicBaseUrl(req, deps.publicUrl));
    },
  );
}
