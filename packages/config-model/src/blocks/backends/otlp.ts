// Any OTLP endpoint (another collector, a vendor's OTLP intake): the collector's own `otlp_grpc` and
// `otlp_http` exporters (type names at v0.158.0; `otlp`/`otlphttp` are their deprecated aliases).
import { Type, type Static } from '@sinclair/typebox';
import { blockProblemCodes, secretRef, type BlockProblem, type BlockType } from '../types.ts';
import {
  queueDefaults,
  queueFields,
  retryOnFailure,
  SecretName,
  sendingQueue,
  signalPathProblem,
  StringEnum,
  when,
} from './common.ts';

const Schema = Type.Object(
  {
    protocol: StringEnum(['grpc', 'http'], { description: 'OTLP over gRPC (port 4317) or HTTP (port 4318)' }),
    endpoint: Type.String({
      minLength: 1,
      maxLength: 2048,
      description:
        'gRPC: host:port (https:// or http:// prefix allowed); HTTP: base URL, the exporter appends /v1/<signal>',
    }),
    headers: Type.Array(
      Type.Object(
        {
          name: Type.String({
            minLength: 1,
            maxLength: 128,
            pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$",
            patternMessage: 'must be an HTTP header name',
          }),
          secret: SecretName('Secret holding the header value'),
        },
        { additionalProperties: false },
      ),
      { maxItems: 20, description: 'Request headers whose values come from secrets (API keys, tokens)' },
    ),
    compression: StringEnum(['gzip', 'zstd', 'snappy', 'none'], { description: 'Request compression' }),
    encoding: StringEnum(['proto', 'json'], {
      description: 'HTTP only: protobuf (default) or JSON bodies',
      ...when({ protocol: ['http'] }),
    }),
    tls_insecure: Type.Boolean({ description: 'Plain text, no TLS (only for a collector on a trusted network)' }),
    tls_insecure_skip_verify: Type.Boolean({ description: "Do not verify the server's certificate" }),
    tls_ca_secret: Type.Optional(SecretName('Secret holding a PEM CA certificate to trust (tls.ca_pem)')),
    tls_server_name: Type.Optional(Type.String({ maxLength: 253, description: 'Override the TLS server name' })),
    ...queueFields,
  },
  { additionalProperties: false },
);
type Config = Static<typeof Schema>;

export const otlpBackend: BlockType<typeof Schema> = {
  type: 'backend.otlp',
  category: 'backend',
  title: 'OTLP',
  description:
    'Any OTLP receiver over gRPC or HTTP: another collector, a vendor intake. Headers can carry secrets; ' +
    'TLS, compression, retry and a sending queue are set.',
  signals: ['metrics', 'logs', 'traces'],
  schema: Schema,
  defaults: () => ({
    protocol: 'grpc',
    endpoint: '',
    headers: [],
    compression: 'gzip',
    encoding: 'proto',
    tls_insecure: false,
    tls_insecure_skip_verify: false,
    ...queueDefaults,
  }),
  validate(c) {
    const problems: BlockProblem[] = [];
    if (c.protocol === 'http') {
      if (!/^https?:\/\//.test(c.endpoint))
        problems.push({
          path: 'endpoint',
          code: blockProblemCodes.invalidValue,
          message: 'must be an http:// or https:// URL',
        });
      else {
        const p = signalPathProblem('endpoint', c.endpoint);
        if (p) problems.push(p);
      }
    } else if (!/^(https?:\/\/)?[^\s/:]+:[0-9]{1,5}$/.test(c.endpoint))
      problems.push({
        path: 'endpoint',
        code: blockProblemCodes.invalidValue,
        message: 'must be host:port for gRPC (for example collector.example.com:4317)',
      });
    const seen = new Set<string>();
    c.headers.forEach((h, i) => {
      const key = h.name.toLowerCase();
      if (seen.has(key))
        problems.push({
          path: `headers[${i}].name`,
          code: blockProblemCodes.invalidValue,
          message: `header "${h.name}" is set twice`,
        });
      seen.add(key);
    });
    if (c.protocol === 'grpc' && c.encoding !== 'proto')
      problems.push({
        path: 'encoding',
        code: blockProblemCodes.invalidValue,
        message: 'gRPC always sends protobuf: JSON encoding is an HTTP option',
      });
    if (c.tls_insecure && (c.tls_ca_secret || c.tls_insecure_skip_verify))
      problems.push({
        path: 'tls_insecure',
        code: blockProblemCodes.invalidValue,
        message: 'without TLS there is no certificate to verify: unset the CA or skip-verify option',
      });
    return problems;
  },
  render(c, ctx, id) {
    const exporterId = `${c.protocol === 'grpc' ? 'otlp_grpc' : 'otlp_http'}/${id}`;
    const tls: Record<string, unknown> = {};
    if (c.tls_insecure) tls.insecure = true;
    if (c.tls_insecure_skip_verify) tls.insecure_skip_verify = true;
    if (c.tls_ca_secret) tls.ca_pem = secretRef(c.tls_ca_secret);
    if (c.tls_server_name) tls.server_name_override = c.tls_server_name;
    const exporter: Record<string, unknown> = { endpoint: c.endpoint };
    if (Object.keys(tls).length) exporter.tls = tls;
    if (c.headers.length) exporter.headers = Object.fromEntries(c.headers.map((h) => [h.name, secretRef(h.secret)]));
    // gzip is both exporters' default; spelled out so the rendered block says what it sends.
    exporter.compression = c.compression;
    if (c.protocol === 'http' && c.encoding === 'json') exporter.encoding = 'json';
    exporter.sending_queue = sendingQueue(c.queue_size);
    exporter.retry_on_failure = retryOnFailure(c.retry_max_elapsed_seconds);
    return {
      exporters: { [exporterId]: exporter },
      pipelines: Object.fromEntries(ctx.signals.map((s) => [s, { exporters: [exporterId] }])),
    };
  },
};
export type OtlpBackendConfig = Config;
