// What a simulated gateway reports: a supervisor-like description, a health tree of ~20 components
// and an effective collector config of ~5 KB. Built once per process and shared by every agent in it
// (the client serialises per send; the messages themselves are never mutated).
import {
  create,
  AgentDescriptionSchema,
  KeyValueSchema,
  AnyValueSchema,
  ComponentHealthSchema,
  EffectiveConfigSchema,
  AgentConfigMapSchema,
  AgentConfigFileSchema,
  type ComponentHealth,
  type EffectiveConfig,
  type KeyValue,
} from '@flowgate/opamp';

export const kv = (key: string, value: string): KeyValue =>
  create(KeyValueSchema, { key, value: create(AnyValueSchema, { value: { case: 'stringValue', value } }) });

export const SERVICE_NAME = 'otelcol-contrib';
export const SERVICE_VERSION = '0.149.0';

export function description(hostName: string, instanceId: string) {
  return create(AgentDescriptionSchema, {
    identifyingAttributes: [
      kv('service.name', SERVICE_NAME),
      kv('service.version', SERVICE_VERSION),
      kv('service.instance.id', instanceId),
    ],
    nonIdentifyingAttributes: [
      kv('host.name', hostName),
      kv('os.type', 'linux'),
      kv('host.arch', 'amd64'),
      kv('deployment.environment', 'bench'),
    ],
  });
}

const PIPELINES: Record<string, string[]> = {
  traces: [
    'receiver:otlp',
    'processor:memory_limiter',
    'processor:attributes/redact',
    'processor:probabilistic_sampler',
    'processor:batch',
    'exporter:otlphttp/vendor',
  ],
  metrics: [
    'receiver:otlp',
    'receiver:prometheus/self',
    'processor:memory_limiter',
    'processor:filter/drop_debug',
    'processor:batch',
    'exporter:otlphttp/vendor',
  ],
  logs: [
    'receiver:otlp',
    'processor:memory_limiter',
    'processor:filter/severity',
    'processor:batch',
    'exporter:otlphttp/vendor',
  ],
};

/** ~20 components: pipelines and their receivers/processors/exporters, plus the extensions. */
export function healthTree(startNanos: bigint = BigInt(Date.now()) * 1_000_000n): ComponentHealth {
  const leaf = () =>
    create(ComponentHealthSchema, {
      healthy: true,
      status: 'StatusOK',
      startTimeUnixNano: startNanos,
      statusTimeUnixNano: startNanos,
    });
  const map: Record<string, ComponentHealth> = {};
  for (const [signal, comps] of Object.entries(PIPELINES)) {
    const sub: Record<string, ComponentHealth> = {};
    for (const c of comps) sub[c] = leaf();
    map[`pipeline:${signal}`] = create(ComponentHealthSchema, {
      healthy: true,
      status: 'StatusOK',
      startTimeUnixNano: startNanos,
      statusTimeUnixNano: startNanos,
      componentHealthMap: sub,
    });
  }
  map['extensions'] = create(ComponentHealthSchema, {
    healthy: true,
    status: 'StatusOK',
    startTimeUnixNano: startNanos,
    statusTimeUnixNano: startNanos,
    componentHealthMap: { 'extension:health_check': leaf(), 'extension:opamp': leaf() },
  });
  return create(ComponentHealthSchema, {
    healthy: true,
    status: 'StatusOK',
    startTimeUnixNano: startNanos,
    statusTimeUnixNano: startNanos,
    componentHealthMap: map,
  });
}

/** A realistic gateway config of about 5 KB (valid for the contrib distribution). */
export function collectorConfigYaml(label = 'base'): string {
  const attrs = Array.from(
    { length: 60 },
    (_, i) => `      - key: bench.attribute.${String(i).padStart(2, '0')}\n        action: delete`,
  ).join('\n');
  return `# Flowgate fleet benchmark gateway config (${label})
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 0.0.0.0:4317
        max_recv_msg_size_mib: 16
      http:
        endpoint: 0.0.0.0:4318
  prometheus/self:
    config:
      scrape_configs:
        - job_name: otelcol
          scrape_interval: 30s
          static_configs:
            - targets: ["127.0.0.1:8888"]
processors:
  memory_limiter:
    check_interval: 1s
    limit_percentage: 80
    spike_limit_percentage: 20
  batch:
    send_batch_size: 8192
    send_batch_max_size: 16384
    timeout: 5s
  attributes/redact:
    actions:
      - key: http.request.header.authorization
        action: delete
      - key: user.email
        action: hash
${attrs}
  filter/drop_debug:
    error_mode: ignore
    metrics:
      metric:
        - 'IsMatch(name, "^debug_.*")'
        - 'IsMatch(name, "^go_gc_.*")'
  filter/severity:
    error_mode: ignore
    logs:
      log_record:
        - 'severity_number < SEVERITY_NUMBER_INFO'
  probabilistic_sampler:
    sampling_percentage: 5
exporters:
  otlphttp/vendor:
    endpoint: https://otlp.vendor.example:4318
    compression: gzip
    timeout: 15s
    retry_on_failure:
      enabled: true
      initial_interval: 5s
      max_interval: 30s
      max_elapsed_time: 300s
    sending_queue:
      enabled: true
      num_consumers: 10
      queue_size: 5000
extensions:
  health_check:
    endpoint: 0.0.0.0:13133
service:
  extensions: [health_check, opamp]
  telemetry:
    metrics:
      level: normal
  pipelines:
    traces:
      receivers: [otlp]
      processors: [memory_limiter, attributes/redact, probabilistic_sampler, batch]
      exporters: [otlphttp/vendor]
    metrics:
      receivers: [otlp, prometheus/self]
      processors: [memory_limiter, filter/drop_debug, batch]
      exporters: [otlphttp/vendor]
    logs:
      receivers: [otlp]
      processors: [memory_limiter, filter/severity, batch]
      exporters: [otlphttp/vendor]
`;
}

export function effectiveConfig(body: Uint8Array): EffectiveConfig {
  return create(EffectiveConfigSchema, {
    configMap: create(AgentConfigMapSchema, {
      configMap: { '': create(AgentConfigFileSchema, { body, contentType: 'text/yaml' }) },
    }),
  });
}
