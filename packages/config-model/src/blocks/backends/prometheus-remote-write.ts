// Prometheus remote write (Prometheus with --web.enable-remote-write-receiver, Mimir, Cortex, Thanos
// receive, VictoriaMetrics, Grafana Cloud's Prometheus endpoint): the contrib `prometheus_remote_write`
// exporter. Metrics only. It has no `sending_queue`: its own `remote_write_queue` (defaults at v0.158.0:
// queue_size 10000, num_consumers 5) buffers requests, and `retry_on_failure` retries them.
// It sends cumulative series; delta sums and histograms are dropped by it (its README), so inputs in
// delta temporality need converting before a gateway (deltatocumulative is not in our distribution).
import { Type, type Static } from '@sinclair/typebox';
import { blockProblemCodes, secretRef, type BlockProblem, type BlockType, type RenderedBlock } from '../types.ts';
import { HttpUrl, queueFields, retryOnFailure, SecretName, StringEnum, when } from './common.ts';

export interface RemoteWriteTarget {
  endpoint: string;
  auth: 'none' | 'basic' | 'bearer';
  username?: string;
  passwordSecret?: string;
  tokenSecret?: string;
  /** Mimir / Cortex tenant: the X-Scope-OrgID header. */
  tenantId?: string;
  resourceToTelemetry: boolean;
  queueSize: number;
  retryMaxElapsedSeconds: number;
}

/** The exporter (and its auth extension) for one remote-write target; shared with the Grafana Cloud preset. */
export function renderRemoteWrite(t: RemoteWriteTarget, id: string): RenderedBlock {
  const exporterId = `prometheus_remote_write/${id}`;
  const extensions: Record<string, unknown> = {};
  const exporter: Record<string, unknown> = { endpoint: t.endpoint };
  if (t.auth === 'basic') {
    extensions[`basicauth/${id}`] = {
      client_auth: { username: t.username ?? '', password: secretRef(t.passwordSecret ?? '') },
    };
    exporter.auth = { authenticator: `basicauth/${id}` };
  } else if (t.auth === 'bearer') {
    // bearertokenauth sends `Authorization: Bearer <token>` (scheme "Bearer" is its default).
    extensions[`bearertokenauth/${id}`] = { token: secretRef(t.tokenSecret ?? '') };
    exporter.auth = { authenticator: `bearertokenauth/${id}` };
  }
  if (t.tenantId) exporter.headers = { 'X-Scope-OrgID': t.tenantId };
  // Resource attributes other than service.name/instance (which become job and instance) only reach
  // Prometheus as labels with this on; off by default, as in the exporter, because it multiplies labels.
  exporter.resource_to_telemetry_conversion = { enabled: t.resourceToTelemetry };
  exporter.remote_write_queue = { enabled: true, queue_size: t.queueSize, num_consumers: 5 };
  // The exporter's own default starts retrying after 50ms; we keep configretry's 5s like the others.
  exporter.retry_on_failure = retryOnFailure(t.retryMaxElapsedSeconds);
  return {
    exporters: { [exporterId]: exporter },
    ...(Object.keys(extensions).length ? { extensions } : {}),
    pipelines: { metrics: { exporters: [exporterId] } },
  };
}

export function remoteWriteAuthProblems(c: {
  auth: string;
  username?: string;
  password_secret?: string;
  token_secret?: string;
}): BlockProblem[] {
  const problems: BlockProblem[] = [];
  const need = (path: string, why: string) =>
    problems.push({ path, code: blockProblemCodes.required, message: `"${path}" is required ${why}` });
  if (c.auth === 'basic') {
    if (!c.username) need('username', 'for basic auth');
    if (!c.password_secret) need('password_secret', 'for basic auth');
  }
  if (c.auth === 'bearer' && !c.token_secret) need('token_secret', 'for a bearer token');
  const unused = (path: string) =>
    problems.push({
      path,
      code: blockProblemCodes.invalidValue,
      message: `"${path}" is not used with auth "${c.auth}": remove it or change auth`,
    });
  if (c.auth !== 'basic' && c.username) unused('username');
  if (c.auth !== 'basic' && c.password_secret) unused('password_secret');
  if (c.auth !== 'bearer' && c.token_secret) unused('token_secret');
  return problems;
}

const Schema = Type.Object(
  {
    endpoint: HttpUrl(
      'Remote-write URL, e.g. http://prometheus:9090/api/v1/write, https://mimir.example.com/api/v1/push',
    ),
    auth: StringEnum(['none', 'basic', 'bearer'], { description: 'How the exporter authenticates' }),
    username: Type.Optional(
      Type.String({ maxLength: 256, description: 'Basic auth user name', ...when({ auth: ['basic'] }) }),
    ),
    password_secret: Type.Optional(SecretName('Secret holding the basic auth password', when({ auth: ['basic'] }))),
    token_secret: Type.Optional(SecretName('Secret holding the bearer token', when({ auth: ['bearer'] }))),
    tenant_id: Type.Optional(
      Type.String({ maxLength: 256, description: 'Mimir / Cortex tenant, sent as the X-Scope-OrgID header' }),
    ),
    resource_to_telemetry: Type.Boolean({ description: 'Turn every resource attribute into a label' }),
    ...queueFields,
  },
  { additionalProperties: false },
);
type Config = Static<typeof Schema>;

export const prometheusRemoteWriteBackend: BlockType<typeof Schema> = {
  type: 'backend.prometheus_remote_write',
  category: 'backend',
  title: 'Prometheus remote write',
  description:
    'Prometheus, Mimir, Cortex, Thanos or VictoriaMetrics over remote write, with basic auth, a bearer ' +
    'token or no auth; metrics only (cumulative).',
  signals: ['metrics'],
  schema: Schema,
  defaults: () => ({
    endpoint: '',
    auth: 'none',
    resource_to_telemetry: false,
    queue_size: 10_000,
    retry_max_elapsed_seconds: 300,
  }),
  validate: (c) => remoteWriteAuthProblems(c),
  render: (c: Config, _ctx, id) =>
    renderRemoteWrite(
      {
        endpoint: c.endpoint,
        auth: c.auth,
        username: c.username,
        passwordSecret: c.password_secret,
        tokenSecret: c.token_secret,
        tenantId: c.tenant_id,
        resourceToTelemetry: c.resource_to_telemetry,
        queueSize: c.queue_size,
        retryMaxElapsedSeconds: c.retry_max_elapsed_seconds,
      },
      id,
    ),
};
