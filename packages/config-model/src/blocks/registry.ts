// The one table of building blocks. Each entry is a BlockType (blocks/types.ts); add new blocks here.
// The API's catalogue (GET /api/v1/blocks), the UI's forms and the README's list come from this table.
import type { BlockType } from './types.ts';
import { datadogBackend } from './backends/datadog.ts';
import { googleCloudBackend } from './backends/googlecloud.ts';
import { grafanaCloudBackend } from './backends/grafana-cloud.ts';
import { otlpBackend } from './backends/otlp.ts';
import { prometheusRemoteWriteBackend } from './backends/prometheus-remote-write.ts';
// ── metrics (reduce) ──
import { metricsDropBlock } from './metrics/drop.ts';
import { metricsDropLabelsBlock } from './metrics/drop-labels.ts';
import { metricsKeepOnlyBlock } from './metrics/keep-only.ts';

export const blockTypes: readonly BlockType[] = [
  // ── backends (presets) ──
  datadogBackend as unknown as BlockType,
  googleCloudBackend as unknown as BlockType,
  grafanaCloudBackend as unknown as BlockType,
  prometheusRemoteWriteBackend as unknown as BlockType,
  otlpBackend as unknown as BlockType,
  // ── metrics (reduce) ──
  metricsDropBlock as unknown as BlockType,
  metricsKeepOnlyBlock as unknown as BlockType,
  metricsDropLabelsBlock as unknown as BlockType,
];

export function blockType(type: string): BlockType | undefined {
  return blockTypes.find((b) => b.type === type);
}

/** The catalogue entry of a block type, as the API serves it: plain JSON (the schema is JSON Schema). */
export function blockCatalogueEntry(b: BlockType) {
  return {
    type: b.type,
    category: b.category,
    title: b.title,
    description: b.description,
    signals: [...b.signals],
    schema: JSON.parse(JSON.stringify(b.schema)) as Record<string, unknown>,
    defaults: b.defaults() as Record<string, unknown>,
  };
}
