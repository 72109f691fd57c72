import { gunzipSync } from 'node:zlib';
import { fromBinary, fromJson, toBinary, create } from '@bufbuild/protobuf';
import type { App } from '../../platform/http/types.ts';
import { AppError } from '../../platform/errors.ts';
import { bearerOf } from '../../platform/http/auth.ts';
import { verifyTelemetryToken } from '../../platform/crypto.ts';
import {
  ExportMetricsServiceRequestSchema,
  ExportMetricsServiceResponseSchema,
} from './gen/flowgate/otlp/metrics_pb.ts';
import type { TelemetryService } from './telemetry.service.ts';

const MAX = 8 * 1024 * 1024;

export async function telemetryRoutes(app: App, deps: { telemetry: TelemetryService; secret: string }) {
  app.addContentTypeParser('application/x-protobuf', { parseAs: 'buffer', bodyLimit: MAX }, (_req, body, done) =>
    done(null, body),
  );
  app.post(
    '/v1/metrics',
    {
      config: { public: true },
      bodyLimit: MAX,
      schema: {
        tags: ['telemetry'],
        summary:
          "OTLP/HTTP metrics ingest for gateways' own telemetry (Authorization: " +
          'Bearer <telemetry token from the own_metrics offer>)',
        hide: false,
      },
      preParsing: async (req, _reply, payload) => {
        if (req.headers['content-encoding'] !== 'gzip') return payload;
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const c of payload) {
          size += (c as Buffer).length;
          if (size > MAX) throw new AppError('PAYLOAD_TOO_LARGE');
          chunks.push(c as Buffer);
        }
        let raw: Buffer;
        try {
          raw = gunzipSync(Buffer.concat(chunks), { maxOutputLength: MAX });
        } catch {
          throw new AppError('VALIDATION_FAILED', 'The gzip body could not be decompressed (or is larger than 8 MiB)');
        }
        delete req.headers['content-encoding'];
        req.headers['content-length'] = String(raw.length);
        const { Readable } = await import('node:stream');
        return Readable.from([raw]);
      },
    },
    async (req, reply) => {
      const token = bearerOf(req);
      const gatewayId = token ? verifyTelemetryToken(deps.secret, token) : null;
      if (!gatewayId) throw new AppError('TOKEN_INVALID', 'Invalid telemetry token');
      const type = String(req.headers['content-type'] ?? '').split(';')[0];
      let parsed;
      try {
        parsed =
          type === 'application/x-protobuf'
            ? fromBinary(ExportMetricsServiceRequestSchema, req.body as Buffer)
            : fromJson(ExportMetricsServiceRequestSchema, req.body as never, { ignoreUnknownFields: true });
      } catch (err) {
        throw new AppError('VALIDATION_FAILED', `Not an OTLP ExportMetricsServiceRequest: ${(err as Error).message}`);
      }
      await deps.telemetry.ingest(gatewayId, parsed);
      const response = create(ExportMetricsServiceResponseSchema, {});
      if (type === 'application/x-protobuf')
        return reply
          .type('application/x-protobuf')
          .send(Buffer.from(toBinary(ExportMetricsServiceResponseSchema, response)));
      return reply.type('application/json').send({});
    },
  );
}
