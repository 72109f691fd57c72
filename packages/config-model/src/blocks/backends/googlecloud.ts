// Google Cloud: the contrib `googlecloud` exporter (Cloud Monitoring, Cloud Logging, Cloud Trace), whose
// configuration at v0.158.0 is opentelemetry-operations-go exporter/collector v0.59.0 (`project`,
// `authenticator`, `metric`/`log`/`trace` with `endpoint`, `use_insecure`, `compression`, …) plus
// exporterhelper's `timeout` and `sending_queue`. It has no `retry_on_failure` any more: the Google API
// client libraries retry UNAVAILABLE and DEADLINE_EXCEEDED themselves.
//
// Credentials. Neither the exporter nor the `googleclientauth` extension has a field that takes a key:
// both find Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS naming a key FILE, gcloud's
// ADC file, or the GCE/GKE metadata server). OpAMP sends the collector configuration, not files, so a
// Flowgate secret cannot carry the key there; the host provides it, and the rendered block says so.
// `googleclientauth` (auth: "googleclientauth") adds a quota project and explicit scopes, and is how the
// exporter takes credentials from an extension (`authenticator`).
import { Type, type Static } from '@sinclair/typebox';
import { blockProblemCodes, type BlockProblem, type BlockType } from '../types.ts';
import { queueDefaults, queueFields, sendingQueue, StringEnum, when } from './common.ts';

const ProjectId = (description: string) =>
  Type.String({
    description,
    // Google's rule for project IDs: 6–30 characters, lowercase letters, digits and hyphens, starting
    // with a letter and not ending with a hyphen.
    pattern: '^[a-z][a-z0-9-]{4,28}[a-z0-9]$',
    patternMessage: 'must be a Google Cloud project ID (6–30 lowercase letters, digits, hyphens; starts with a letter)',
  });
const GrpcEndpoint = (description: string) =>
  Type.Optional(
    Type.String({
      description,
      maxLength: 512,
      pattern: '^[^\\s/:]+:[0-9]{1,5}$',
      patternMessage: 'must be host:port',
    }),
  );

const Schema = Type.Object(
  {
    project: ProjectId('Project that receives the telemetry (unless a resource sets gcp.project.id)'),
    auth: StringEnum(['application_default', 'googleclientauth'], {
      description:
        'Application Default Credentials of the gateway host, directly or through the googleclientauth extension',
    }),
    quota_project: Type.Optional(
      Type.Unsafe<string>({
        ...ProjectId('googleclientauth: project billed for quota'),
        ...when({ auth: ['googleclientauth'] }),
      }),
    ),
    region: Type.Optional(
      Type.String({
        maxLength: 64,
        pattern: '^[a-z]+(-[a-z0-9]+)+$',
        patternMessage: 'must be a Google Cloud region such as europe-west1',
        description: 'Outside Google Cloud: region written to cloud.region when a resource has none',
      }),
    ),
    metric_prefix: Type.String({ minLength: 1, maxLength: 200, description: 'Prefix of custom metric types' }),
    default_log_name: Type.String({
      minLength: 1,
      maxLength: 512,
      description: 'Log name for entries without a gcp.log_name attribute',
    }),
    metric_endpoint: GrpcEndpoint('Override the Cloud Monitoring endpoint (host:port)'),
    log_endpoint: GrpcEndpoint('Override the Cloud Logging endpoint (host:port)'),
    trace_endpoint: GrpcEndpoint('Override the Cloud Trace endpoint (host:port)'),
    use_insecure: Type.Boolean({
      description: 'Plain-text gRPC to the overridden endpoints (a local emulator; also sends no credentials)',
    }),
    ...queueFields,
  },
  { additionalProperties: false },
);
type Config = Static<typeof Schema>;

export const googleCloudBackend: BlockType<typeof Schema> = {
  type: 'backend.googlecloud',
  category: 'backend',
  title: 'Google Cloud',
  description:
    'Cloud Monitoring, Cloud Logging and Cloud Trace through the googlecloud exporter. Credentials come ' +
    'from the gateway host (service account of the VM / GKE workload, or GOOGLE_APPLICATION_CREDENTIALS ' +
    'naming a key file), optionally through the googleclientauth extension.',
  signals: ['metrics', 'logs', 'traces'],
  schema: Schema,
  defaults: () => ({
    project: '',
    auth: 'application_default',
    // The exporter's own defaults: custom metrics under workload.googleapis.com; the default log name
    // is ours (without one, entries lacking gcp.log_name are refused by the exporter).
    metric_prefix: 'workload.googleapis.com',
    default_log_name: 'flowgate-gateway',
    use_insecure: false,
    ...queueDefaults,
  }),
  validate(c) {
    const problems: BlockProblem[] = [];
    if (c.quota_project && c.auth !== 'googleclientauth')
      problems.push({
        path: 'quota_project',
        code: blockProblemCodes.invalidValue,
        message: 'a quota project is set through googleclientauth: choose auth "googleclientauth"',
      });
    if (c.use_insecure && !c.metric_endpoint && !c.log_endpoint && !c.trace_endpoint)
      problems.push({
        path: 'use_insecure',
        code: blockProblemCodes.invalidValue,
        message: "plain text only applies to an overridden endpoint: Google's own endpoints need TLS",
      });
    return problems;
  },
  render(c: Config, ctx, id) {
    const exporterId = `googlecloud/${id}`;
    const client = (endpoint: string | undefined) =>
      endpoint ? { endpoint, ...(c.use_insecure ? { use_insecure: true } : {}) } : {};
    const exporter: Record<string, unknown> = { project: c.project };
    const extensions: Record<string, unknown> = {};
    if (c.auth === 'googleclientauth') {
      const ext = `googleclientauth/${id}`;
      extensions[ext] = { project: c.project, ...(c.quota_project ? { quota_project: c.quota_project } : {}) };
      exporter.authenticator = ext;
    }
    if (ctx.signals.includes('metrics'))
      exporter.metric = { prefix: c.metric_prefix, ...client(c.metric_endpoint), compression: 'gzip' };
    if (ctx.signals.includes('logs'))
      exporter.log = { default_log_name: c.default_log_name, ...client(c.log_endpoint), compression: 'gzip' };
    if (ctx.signals.includes('traces') && c.trace_endpoint) exporter.trace = client(c.trace_endpoint);
    exporter.timeout = '12s'; // Cloud Monitoring's own deadline (the exporter's DefaultTimeout)
    exporter.sending_queue = sendingQueue(c.queue_size);

    const processors: Record<string, unknown> = {};
    const exporterProcessors: string[] = [];
    if (c.region) {
      // The exporter maps resources to monitored resources by location; off Google Cloud there is none
      // unless cloud.region / cloud.availability_zone is set (googlecloud exporter README).
      const rid = `resource/${id}`;
      processors[rid] = { attributes: [{ key: 'cloud.region', value: c.region, action: 'insert' }] };
      exporterProcessors.push(rid);
    }
    const pipelines = Object.fromEntries(
      ctx.signals.map((s) => [
        s,
        { exporters: [exporterId], ...(exporterProcessors.length && s !== 'traces' ? { exporterProcessors } : {}) },
      ]),
    );
    return {
      ...(Object.keys(processors).length ? { processors } : {}),
      exporters: { [exporterId]: exporter },
      ...(Object.keys(extensions).length ? { extensions } : {}),
      pipelines,
      requirements: c.use_insecure
        ? []
        : [
            'Google credentials come from the gateway host: the service account of the VM or GKE workload, or ' +
              'GOOGLE_APPLICATION_CREDENTIALS in the collector environment naming a service-account key file ' +
              '(no collector setting takes the key itself, so it cannot be a Flowgate secret). The account needs ' +
              'roles/monitoring.metricWriter, roles/logging.logWriter and roles/cloudtrace.agent for what it sends.',
          ],
    };
  },
};
