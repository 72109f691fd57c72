// TEMPORARY STAND-IN for packages/config-model/src/gen/component-catalogue.ts, which
// gateway/gen-catalogue.mjs generates from the built collector (`npm run gateway:build`). It exists
// only so validation works before the first gateway build has produced the generated file; it has
// the generated file's shape, and catalogue.ts is the one place that picks between them. Delete this
// file once the generated catalogue is committed (then import it in catalogue.ts instead).
// Types follow gateway/builder-config.yaml (v0.149.0 modules); stability is unknown here.
export const componentCatalogue = {
  distribution: { name: 'otelcol-flowgate', version: '0.149.0', otelcolVersion: '0.149.0' },
  receivers: [
    { type: 'filelog', module: 'github.com/open-telemetry/opentelemetry-collector-contrib/receiver/filelogreceiver v0.149.0', stability: {} },
    { type: 'fluentforward', module: 'github.com/open-telemetry/opentelemetry-collector-contrib/receiver/fluentforwardreceiver v0.149.0', stability: {} },
    { type: 'nop', module: 'go.opentelemetry.io/collector/receiver/nopreceiver v0.149.0', stability: {} },
    { type: 'otlp', module: 'go.opentelemetry.io/collector/receiver/otlpreceiver v0.149.0', stability: {} },
    { type: 'prometheus', module: 'github.com/open-telemetry/opentelemetry-collector-contrib/receiver/prometheusreceiver v0.149.0', stability: {} },
  ],
  processors: [
    { type: 'attributes', module: 'github.com/open-telemetry/opentelemetry-collector-contrib/processor/attributesprocessor v0.149.0', stability: {} },
    { type: 'batch', module: 'go.opentelemetry.io/collector/processor/batchprocessor v0.149.0', stability: {} },
    { type: 'filter', module: 'github.com/open-telemetry/opentelemetry-collector-contrib/processor/filterprocessor v0.149.0', stability: {} },
    { type: 'groupbyattrs', module: 'github.com/open-telemetry/opentelemetry-collector-contrib/processor/groupbyattrsprocessor v0.149.0', stability: {} },
    { type: 'memory_limiter', module: 'go.opentelemetry.io/collector/processor/memorylimiterprocessor v0.149.0', stability: {} },
    { type: 'metricstransform', module: 'github.com/open-telemetry/opentelemetry-collector-contrib/processor/metricstransformprocessor v0.149.0', stability: {} },
    { type: 'probabilistic_sampler', module: 'github.com/open-telemetry/opentelemetry-collector-contrib/processor/probabilisticsamplerprocessor v0.149.0', stability: {} },
    { type: 'redaction', module: 'github.com/open-telemetry/opentelemetry-collector-contrib/processor/redactionprocessor v0.149.0', stability: {} },
    { type: 'resource', module: 'github.com/open-telemetry/opentelemetry-collector-contrib/processor/resourceprocessor v0.149.0', stability: {} },
    { type: 'transform', module: 'github.com/open-telemetry/opentelemetry-collector-contrib/processor/transformprocessor v0.149.0', stability: {} },
  ],
  exporters: [
    { type: 'debug', module: 'go.opentelemetry.io/collector/exporter/debugexporter v0.149.0', stability: {} },
    { type: 'nop', module: 'go.opentelemetry.io/collector/exporter/nopexporter v0.149.0', stability: {} },
    { type: 'otlp', module: 'go.opentelemetry.io/collector/exporter/otlpexporter v0.149.0', stability: {} },
    { type: 'otlphttp', module: 'go.opentelemetry.io/collector/exporter/otlphttpexporter v0.149.0', stability: {} },
    { type: 'prometheusremotewrite', module: 'github.com/open-telemetry/opentelemetry-collector-contrib/exporter/prometheusremotewriteexporter v0.149.0', stability: {} },
  ],
  extensions: [
    { type: 'bearertokenauth', module: 'github.com/open-telemetry/opentelemetry-collector-contrib/extension/bearertokenauthextension v0.149.0', stability: {} },
    { type: 'file_storage', module: 'github.com/open-telemetry/opentelemetry-collector-contrib/extension/storage/filestorage v0.149.0', stability: {} },
    { type: 'health_check', module: 'github.com/open-telemetry/opentelemetry-collector-contrib/extension/healthcheckextension v0.149.0', stability: {} },
    { type: 'opamp', module: 'github.com/open-telemetry/opentelemetry-collector-contrib/extension/opampextension v0.149.0', stability: {} },
  ],
  connectors: [],
} as const;
