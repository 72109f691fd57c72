// Entry points for uploads (issue 12, item 1): an exposition or an OTLP JSON export → the per-metric inventory
// the gateway's measurement processor would report for the same data.
import { countMetrics } from './count.ts';
import { parseExposition } from './exposition.ts';
import { readOtlpJson } from './otlp-json.ts';
import { scrapeToOtlp, type ScrapeOptions } from './prometheus-receiver.ts';
import type { Inventory, SeenIn } from './types.ts';

export interface UploadOptions {
  /** Where the result says the metrics were seen. */
  seenIn?: SeenIn;
  /**
   * Prometheus: the scrape interval (the counts are one scrape, per-minute rates follow from it); OTLP: the
   * export interval the file covers. Default 60 seconds (Prometheus' default scrape_interval).
   */
  intervalSeconds?: number;
  /** Keep every series' labels (exact label-dropping arithmetic). Default true. */
  keepSeriesLabels?: boolean;
}

export interface PrometheusUploadOptions extends UploadOptions, ScrapeOptions {}

export interface UploadSummary {
  format: 'prometheus-text' | 'openmetrics' | 'otlp_json';
  /** In Prometheus terms, before the receiver: distinct sample names and sample lines. */
  prometheus?: { metric_names: number; series: number };
}

export function inventoryFromExposition(
  text: string,
  options: PrometheusUploadOptions = {},
): Inventory & { upload: UploadSummary } {
  const exposition = parseExposition(text);
  const request = scrapeToOtlp(exposition, options);
  const inventory = countMetrics([request], {
    windowSeconds: options.intervalSeconds ?? 60,
    seenIn: options.seenIn ? [options.seenIn] : [],
    keepSeriesLabels: options.keepSeriesLabels ?? true,
  });
  const series = new Set(exposition.samples.map((s) => JSON.stringify([s.name, [...s.labels].sort()])));
  return {
    ...inventory,
    upload: {
      format: exposition.format,
      prometheus: { metric_names: new Set(exposition.samples.map((s) => s.name)).size, series: series.size },
    },
  };
}

/**
 * An OTLP JSON export. Several requests (JSON lines) are taken as one window of `intervalSeconds`; series
 * are distinct across them, data points and bytes add up.
 */
export function inventoryFromOtlpJson(
  text: string,
  options: UploadOptions = {},
): Inventory & { upload: UploadSummary } {
  const requests = readOtlpJson(text);
  const inventory = countMetrics(requests, {
    windowSeconds: options.intervalSeconds ?? 60,
    seenIn: options.seenIn ? [options.seenIn] : [],
    keepSeriesLabels: options.keepSeriesLabels ?? true,
  });
  return { ...inventory, upload: { format: 'otlp_json' } };
}
