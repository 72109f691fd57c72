// Grafana Cloud / Mimir. Two ways in, as Grafana documents them for the OpenTelemetry Collector:
// - the stack's OTLP gateway (https://otlp-gateway-<zone>.grafana.net/otlp) with `otlp_http` and the
//   `basicauth` extension's client_auth (user: the stack's instance ID, password: a Cloud Access Policy
//   token); metrics go to Mimir, logs to Loki, traces to Tempo;
// - Prometheus remote write with basic auth (Grafana Cloud's .../api/prom/push, or a Mimir
//   .../api/v1/push, optionally with a tenant in X-Scope-OrgID); metrics only.
import { Type, type Static } from '@sinclair/typebox';
import { blockProblemCodes, secretRef, type BlockProblem, type BlockType, type Signal } from '../types.ts';
import { renderRemoteWrite } from './prometheus-remote-write.ts';
import {
  HttpUrl,
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
    mode: StringEnum(['otlp', 'prometheus_remote_write'], {
      description: 'OTLP gateway (metrics, logs, traces) or Prometheus remote write (metrics only)',
    }),
    endpoint: HttpUrl(
      'OTLP: https://otlp-gateway-<zone>.grafana.net/otlp; remote write: https://prometheus-<…>.grafana.net/api/prom/push ' +
        'or a Mimir https://<host>/api/v1/push',
    ),
    instance_id: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'Basic auth user: the instance ID of the stack (OTLP) or of its Prometheus (remote write)',
    }),
    token_secret: SecretName('Secret holding the Grafana Cloud access policy token (basic auth password)'),
    tenant_id: Type.Optional(
      Type.String({
        maxLength: 256,
        description: 'Self-hosted Mimir only: tenant sent as X-Scope-OrgID',
        ...when({ mode: ['prometheus_remote_write'] }),
      }),
    ),
    ...queueFields,
  },
  { additionalProperties: false },
);
type Config = Static<typeof Schema>;

export const grafanaCloudBackend: BlockType<typeof Schema> = {
  type: 'backend.grafana_cloud',
  category: 'backend',
  title: 'Grafana Cloud / Mimir',
  description:
    "Grafana Cloud's OTLP gateway (metrics, logs, traces) or Prometheus remote write to Grafana Cloud or " +
    'Mimir (metrics), with basic auth: the instance ID and an access policy token held as a secret.',
  signals: ['metrics', 'logs', 'traces'],
  signalsFor: (c): Signal[] => (c.mode === 'otlp' ? ['metrics', 'logs', 'traces'] : ['metrics']),
  schema: Schema,
  defaults: () => ({ mode: 'otlp', endpoint: '', instance_id: '', token_secret: '', ...queueDefaults }),
  validate(c) {
    const problems: BlockProblem[] = [];
    if (c.mode === 'otlp') {
      const p = signalPathProblem('endpoint', c.endpoint);
      if (p) problems.push(p);
      if (c.tenant_id)
        problems.push({
          path: 'tenant_id',
          code: blockProblemCodes.invalidValue,
          message: 'a tenant header is only sent with remote write to a self-hosted Mimir',
        });
    } else if (!/\/push\/?$/.test(c.endpoint))
      problems.push({
        path: 'endpoint',
        code: blockProblemCodes.invalidValue,
        message: 'a remote-write URL ends in /push (Grafana Cloud: /api/prom/push, Mimir: /api/v1/push)',
      });
    return problems;
  },
  render(c: Config, ctx, id) {
    if (c.mode === 'prometheus_remote_write')
      return renderRemoteWrite(
        {
          endpoint: c.endpoint,
          auth: 'basic',
          username: c.instance_id,
          passwordSecret: c.token_secret,
          tenantId: c.tenant_id,
          // Grafana Cloud's OTLP path keeps resource attributes (target_info); remote write does the same
          // by default, so labels stay as few as in Prometheus itself.
          resourceToTelemetry: false,
          queueSize: c.queue_size,
          retryMaxElapsedSeconds: c.retry_max_elapsed_seconds,
        },
        id,
      );
    const exporterId = `otlp_http/${id}`;
    return {
      extensions: {
        [`basicauth/${id}`]: { client_auth: { username: c.instance_id, password: secretRef(c.token_secret) } },
      },
      exporters: {
        [exporterId]: {
          endpoint: c.endpoint,
          auth: { authenticator: `basicauth/${id}` },
          compression: 'gzip',
          sending_queue: sendingQueue(c.queue_size),
          retry_on_failure: retryOnFailure(c.retry_max_elapsed_seconds),
        },
      },
      pipelines: Object.fromEntries(ctx.signals.map((s) => [s, { exporters: [exporterId] }])),
    };
  },
};
