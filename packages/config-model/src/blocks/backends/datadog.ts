// Datadog. The contrib `datadog` exporter cannot be built into our distribution (its DataDog agent
// modules do not resolve from the module proxy at v0.158.0), so two documented alternatives:
//
// - intake: Datadog's OTLP intake endpoints, https://otlp.<site>/v1/metrics and /v1/logs (Datadog docs,
//   "Datadog OTLP Metrics/Logs Intake Endpoint"), through `otlp_http` with the `dd-api-key` header. The
//   metrics intake accepts only DELTA temporality ("Ensure only delta metrics are sent"), so metrics pass
//   a `cumulative_to_delta` processor on their way to this exporter only. Traces: Datadog lists the OTLP
//   traces intake as Preview (access on request), so this mode does not take traces. The US1-FED site
//   (ddog-gov.com) has no OTLP intake endpoint in Datadog's region table.
// - agent: a Datadog Agent's OTLP ingest (otlp_config.receiver in datadog.yaml, gRPC 4317 / HTTP 4318).
//   The Agent holds the API key and takes metrics, traces and logs (logs only when the Agent sets
//   otlp_config.logs.enabled: true). It converts cumulative metrics itself, so nothing else is needed.
import { Type, type Static } from '@sinclair/typebox';
import { blockProblemCodes, secretRef, type BlockProblem, type BlockType, type Signal } from '../types.ts';
import { queueDefaults, queueFields, retryOnFailure, SecretName, sendingQueue, StringEnum, when } from './common.ts';

/** Datadog sites (Datadog docs, "Getting started with Datadog sites"). */
export const datadogSites = [
  'datadoghq.com',
  'us3.datadoghq.com',
  'us5.datadoghq.com',
  'datadoghq.eu',
  'ap1.datadoghq.com',
  'ap2.datadoghq.com',
  'ddog-gov.com',
] as const;
const sitesWithoutOtlpIntake = new Set<string>(['ddog-gov.com']);

/** https://otlp.<site>: the OTLP intake host of a site (otlp_metrics_endpoint in Datadog's region table). */
export const datadogIntakeBase = (site: string) => `https://otlp.${site}`;

const Schema = Type.Object(
  {
    mode: StringEnum(['intake', 'agent'], {
      description: "Datadog's OTLP intake (metrics, logs; needs an API key) or a Datadog Agent's OTLP ingest",
    }),
    site: StringEnum([...datadogSites], {
      description: 'Your Datadog site (intake mode)',
      ...when({ mode: ['intake'] }),
    }),
    api_key_secret: Type.Optional(
      SecretName('Secret holding the Datadog API key (intake mode)', when({ mode: ['intake'] })),
    ),
    intake_url: Type.Optional(
      Type.String({
        maxLength: 2048,
        pattern: '^https?://[^\\s/]+(/[^\\s]*)?$',
        patternMessage: 'must be an http:// or https:// URL',
        description: 'Replaces https://otlp.<site> (a forwarding proxy); the exporter appends /v1/metrics, /v1/logs',
        ...when({ mode: ['intake'] }),
      }),
    ),
    resource_attributes_as_tags: Type.Boolean({
      description: 'Intake: turn every resource attribute into a metric tag (dd-otel-metric-config)',
      ...when({ mode: ['intake'] }),
    }),
    histograms_mode: StringEnum(['distributions', 'counters', 'nobuckets'], {
      description: 'Intake: how histograms are stored (dd-otel-metric-config histograms.mode)',
      ...when({ mode: ['intake'] }),
    }),
    agent_endpoint: Type.Optional(
      Type.String({
        maxLength: 2048,
        description: 'Agent mode: the Agent OTLP receiver, e.g. datadog-agent:4317 (gRPC) or http://datadog-agent:4318',
        ...when({ mode: ['agent'] }),
      }),
    ),
    agent_protocol: StringEnum(['grpc', 'http'], {
      description: 'Agent mode: OTLP protocol of the Agent receiver',
      ...when({ mode: ['agent'] }),
    }),
    agent_tls: Type.Boolean({ description: 'Agent mode: the Agent receiver uses TLS', ...when({ mode: ['agent'] }) }),
    ...queueFields,
  },
  { additionalProperties: false },
);
type Config = Static<typeof Schema>;

export const datadogBackend: BlockType<typeof Schema> = {
  type: 'backend.datadog',
  category: 'backend',
  title: 'Datadog',
  description:
    "Datadog's OTLP intake (metrics in delta temporality through cumulative_to_delta, logs; dd-api-key " +
    "from a secret) or a Datadog Agent's OTLP ingest (metrics, logs, traces).",
  signals: ['metrics', 'logs', 'traces'],
  signalsFor: (c): Signal[] => (c.mode === 'intake' ? ['metrics', 'logs'] : ['metrics', 'logs', 'traces']),
  schema: Schema,
  defaults: () => ({
    mode: 'intake',
    site: 'datadoghq.com',
    resource_attributes_as_tags: true,
    histograms_mode: 'distributions',
    agent_protocol: 'grpc',
    agent_tls: false,
    ...queueDefaults,
  }),
  validate(c) {
    const problems: BlockProblem[] = [];
    const required = (path: string, why: string) =>
      problems.push({ path, code: blockProblemCodes.required, message: `"${path}" is required ${why}` });
    const unused = (path: string) =>
      problems.push({
        path,
        code: blockProblemCodes.invalidValue,
        message: `"${path}" is not used in ${c.mode} mode: remove it or change the mode`,
      });
    if (c.mode === 'intake') {
      if (!c.api_key_secret) required('api_key_secret', 'to send to the Datadog intake');
      if (sitesWithoutOtlpIntake.has(c.site) && !c.intake_url)
        problems.push({
          path: 'site',
          code: blockProblemCodes.invalidValue,
          message: `${c.site} has no OTLP intake endpoint: use a Datadog Agent (mode "agent")`,
        });
      if (c.agent_endpoint) unused('agent_endpoint');
    } else {
      if (!c.agent_endpoint) required('agent_endpoint', 'in agent mode');
      else if (c.agent_protocol === 'grpc' && !/^(https?:\/\/)?[^\s/:]+:[0-9]{1,5}$/.test(c.agent_endpoint))
        problems.push({
          path: 'agent_endpoint',
          code: blockProblemCodes.invalidValue,
          message: 'must be host:port for gRPC (for example datadog-agent:4317)',
        });
      else if (c.agent_protocol === 'http' && !/^https?:\/\/[^\s/]+/.test(c.agent_endpoint))
        problems.push({
          path: 'agent_endpoint',
          code: blockProblemCodes.invalidValue,
          message: 'must be a URL for HTTP (for example http://datadog-agent:4318)',
        });
      if (c.api_key_secret) unused('api_key_secret');
      if (c.intake_url) unused('intake_url');
    }
    return problems;
  },
  render(c: Config, ctx, id) {
    const queue = {
      sending_queue: sendingQueue(c.queue_size),
      retry_on_failure: retryOnFailure(c.retry_max_elapsed_seconds),
    };
    if (c.mode === 'agent') {
      const exporterId = `${c.agent_protocol === 'grpc' ? 'otlp_grpc' : 'otlp_http'}/${id}`;
      return {
        exporters: {
          [exporterId]: {
            endpoint: c.agent_endpoint,
            ...(c.agent_tls ? {} : { tls: { insecure: true } }),
            ...queue,
          },
        },
        pipelines: Object.fromEntries(ctx.signals.map((s) => [s, { exporters: [exporterId] }])),
        requirements: [
          'The Datadog Agent must enable its OTLP receiver (otlp_config.receiver in datadog.yaml)' +
            (ctx.signals.includes('logs') ? ' and otlp_config.logs.enabled: true for logs' : ''),
        ],
      };
    }
    const base = (c.intake_url ?? datadogIntakeBase(c.site)).replace(/\/+$/, '');
    const exporterId = `otlp_http/${id}`;
    const exporter: Record<string, unknown> = {};
    if (ctx.signals.includes('metrics')) exporter.metrics_endpoint = `${base}/v1/metrics`;
    if (ctx.signals.includes('logs')) exporter.logs_endpoint = `${base}/v1/logs`;
    const metricConfig = {
      resource_attributes_as_tags: c.resource_attributes_as_tags,
      histograms: { mode: c.histograms_mode },
    };
    exporter.headers = {
      'dd-api-key': secretRef(c.api_key_secret ?? ''),
      ...(ctx.signals.includes('metrics') ? { 'dd-otel-metric-config': JSON.stringify(metricConfig) } : {}),
    };
    // Datadog limits a metrics payload to 500 KB uncompressed or 5 MB once a compressed one is inflated:
    // gzip (the exporter's default) keeps the gateway's batches within that.
    exporter.compression = 'gzip';
    Object.assign(exporter, queue);
    const pipelines: Record<string, unknown> = {};
    const processors: Record<string, unknown> = {};
    for (const s of ctx.signals) {
      if (s === 'metrics') {
        const deltaId = `cumulative_to_delta/${id}`;
        // State per series is dropped after 10 minutes without a point, so series that stop do not
        // hold memory forever (the processor's default, 0, never forgets).
        processors[deltaId] = { max_staleness: '10m' };
        pipelines.metrics = { exporters: [exporterId], exporterProcessors: [deltaId] };
      } else pipelines[s] = { exporters: [exporterId] };
    }
    return { processors, exporters: { [exporterId]: exporter }, pipelines };
  },
};
