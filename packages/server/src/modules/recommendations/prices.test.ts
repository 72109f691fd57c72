// The price model (packages/config-model/src/prices.ts): defaults, validation, arithmetic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_PRICE_MODEL,
  logsCostPerMonth,
  metricsCostPerMonth,
  metricsSavingPerMonth,
  MINUTES_PER_MONTH,
  resolvePriceModel,
  tieredCost,
  validatePriceModel,
} from '@flowgate/config-model';

test('the defaults are valid and every backend names its source and the date it was read', () => {
  assert.deepEqual(validatePriceModel(DEFAULT_PRICE_MODEL), []);
  for (const backend of ['datadog', 'grafana_cloud', 'google_cloud'] as const) {
    assert.match(DEFAULT_PRICE_MODEL[backend].source.url, /^https:\/\//);
    assert.match(DEFAULT_PRICE_MODEL[backend].source.as_of, /^\d{4}-\d{2}-\d{2}$/);
  }
});

test('an org overrides part of the model; every problem comes back with its path and a stable code', () => {
  const resolved = resolvePriceModel({ datadog: { custom_metric_per_month: 0.1 } }) as typeof DEFAULT_PRICE_MODEL;
  assert.equal(resolved.datadog.custom_metric_per_month, 0.1);
  assert.equal(resolved.datadog.log_ingested_per_gb, DEFAULT_PRICE_MODEL.datadog.log_ingested_per_gb);
  assert.equal(DEFAULT_PRICE_MODEL.datadog.custom_metric_per_month, 0.05, 'the defaults are not modified');

  const bad = resolvePriceModel({
    datadog: { custom_metric_per_month: -1, surprise: 2 },
    grafana_cloud: { metrics_per_1k_series: 'cheap' },
    google_cloud: {
      samples_tiers: [
        { up_to_million_samples: 100, usd_per_million: 0.06 },
        { up_to_million_samples: 50, usd_per_million: -0.01 },
      ],
    },
  });
  const problems = validatePriceModel(bad);
  const byPath = Object.fromEntries(problems.map((p) => [p.path, p.code]));
  assert.equal(byPath['datadog.custom_metric_per_month'], 'NEGATIVE_PRICE');
  assert.equal(byPath['datadog.surprise'], 'UNKNOWN_FIELD');
  assert.equal(byPath['grafana_cloud.metrics_per_1k_series'], 'INVALID_VALUE');
  assert.equal(byPath['google_cloud.samples_tiers[1].usd_per_million'], 'NEGATIVE_PRICE');
  assert.ok(
    problems.some(
      (p) => p.code === 'TIERS_NOT_ASCENDING' && p.path === 'google_cloud.samples_tiers[1].up_to_million_samples',
    ),
  );
  assert.ok(problems.some((p) => p.code === 'TIERS_UNBOUNDED'));
  const missing = validatePriceModel({ currency: 'USD', datadog: DEFAULT_PRICE_MODEL.datadog });
  assert.ok(missing.some((p) => p.path === 'grafana_cloud' && p.code === 'REQUIRED'));
});

test('tiered samples: each tier is charged at its own price', () => {
  const tiers = DEFAULT_PRICE_MODEL.google_cloud.samples_tiers;
  assert.equal(tieredCost(tiers, 0), 0);
  assert.ok(Math.abs(tieredCost(tiers, 1000) - 60) < 1e-9);
  assert.ok(Math.abs(tieredCost(tiers, 60_000) - (50_000 * 0.06 + 10_000 * 0.048)) < 1e-6);
  assert.ok(Math.abs(tieredCost(tiers, 600_000) - (3000 + 200_000 * 0.048 + 250_000 * 0.036 + 100_000 * 0.024)) < 1e-6);
});

test('metrics: Datadog per custom metric, Grafana per billable series (max of series and DPM), Google per sample', () => {
  const volume = { datadog_custom_metrics: 1000, prometheus_series: 1000, samples_per_min: 4000 };
  const usd = metricsCostPerMonth(DEFAULT_PRICE_MODEL, volume);
  assert.equal(usd.datadog, 50);
  assert.equal(usd.grafana_cloud, 26, '4,000 DPM at 1 included DPM per series bill as 4,000 series');
  assert.ok(Math.abs(usd.google_cloud - ((4000 * MINUTES_PER_MONTH) / 1e6) * 0.06) < 1e-9);
  const slow = metricsCostPerMonth(DEFAULT_PRICE_MODEL, { ...volume, samples_per_min: 500 });
  assert.equal(slow.grafana_cloud, 6.5, 'below 1 DPM per series the series count bills');
  const saving = metricsSavingPerMonth(DEFAULT_PRICE_MODEL, volume, {
    datadog_custom_metrics: 100,
    prometheus_series: 100,
    samples_per_min: 400,
  });
  assert.equal(Math.round(saving.datadog * 100) / 100, 5);
});

test('logs: Datadog ingest + index, Grafana per GB, Google per GiB beyond the free 50 GiB', () => {
  const gbPerMonth = 1000;
  const bytesPerMin = (gbPerMonth * 1e9) / MINUTES_PER_MONTH;
  const usd = logsCostPerMonth(DEFAULT_PRICE_MODEL, {
    bytes_per_min: bytesPerMin,
    records_per_min: 1e6 / MINUTES_PER_MONTH,
  });
  assert.ok(Math.abs(usd.datadog - (1000 * 0.1 + 1 * 1.7)) < 1e-9);
  assert.ok(Math.abs(usd.grafana_cloud - 500) < 1e-9);
  assert.ok(Math.abs(usd.google_cloud - (1000e9 / 2 ** 30 - 50) * 0.5) < 1e-9);
  const small = logsCostPerMonth(DEFAULT_PRICE_MODEL, { bytes_per_min: 100, records_per_min: 1 });
  assert.equal(small.google_cloud, 0, 'within the free allotment');
  const unindexed = logsCostPerMonth(DEFAULT_PRICE_MODEL, {
    bytes_per_min: 0,
    records_per_min: 1000,
    indexed_share: 0,
  });
  assert.equal(unindexed.datadog, 0);
});
