#!/usr/bin/env node
// Generates packages/server/src/modules/dry-run/gen/samples.json — the built-in sample telemetry of
// template dry-runs — from the reference workload: node_exporter's end-to-end exposition
// (prometheus/node_exporter collector/fixtures/e2e-output.txt, Apache-2.0).
//   metrics: the series of a fixed list of metric names a node dashboard reads, as OTLP JSON gauges
//            and cumulative sums (labels become data-point attributes);
//   logs:    records derived from the same exposition's state series — collector scrapes (INFO),
//            sensor readings (DEBUG), degraded RAID arrays and pools (WARN), failed disks and
//            inactive or suspended storage (ERROR) — with attributes.
//
// Usage: node scripts/gen-dry-run-samples.mjs [--check] [<path to node-exporter-e2e-output.prom>]
//   default input: $FLOWGATE_REFERENCE_WORKLOAD or ../shared/data/reference-workload/node-exporter-e2e-output.prom
//   (the project's shared folder, beside the repository)
//   --check: exit 1 when the committed file differs from what would be generated (skipped, exit 0,
//            when the reference workload is not present on this machine).
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const REPO = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const OUT = path.join(REPO, 'packages/server/src/modules/dry-run/gen/samples.json');
const DEFAULT_INPUT =
  process.env.FLOWGATE_REFERENCE_WORKLOAD ||
  path.join(REPO, '..', 'shared', 'data', 'reference-workload', 'node-exporter-e2e-output.prom');

/** Metric names of the sample, in this order; the series of each are capped at MAX_SERIES. */
const METRIC_NAMES = [
  'node_cpu_seconds_total',
  'node_load1',
  'node_load5',
  'node_load15',
  'node_memory_MemTotal_bytes',
  'node_memory_MemFree_bytes',
  'node_memory_Cached_bytes',
  'node_memory_Buffers_bytes',
  'node_memory_SwapTotal_bytes',
  'node_memory_SwapFree_bytes',
  'node_disk_read_bytes_total',
  'node_disk_written_bytes_total',
  'node_disk_io_time_seconds_total',
  'node_disk_reads_completed_total',
  'node_disk_writes_completed_total',
  'node_network_receive_errs_total',
  'node_network_transmit_errs_total',
  'node_network_up',
  'node_context_switches_total',
  'node_intr_total',
  'node_forks_total',
  'node_procs_running',
  'node_procs_blocked',
  'node_boot_time_seconds',
  'node_entropy_available_bits',
  'node_vmstat_pgfault',
  'node_vmstat_pgmajfault',
  'node_netstat_Tcp_CurrEstab',
  'node_sockstat_TCP_inuse',
  'node_hwmon_temp_celsius',
  'node_filefd_allocated',
  'node_schedstat_running_seconds_total',
  'node_pressure_cpu_waiting_seconds_total',
];
const MAX_SERIES = 8;
/** A fixed instant, so the output is reproducible: 2025-01-01T00:00:00Z; counters started an hour before. */
const TIME_NS = '1735689600000000000';
const START_NS = '1735686000000000000';
const RESOURCE = [
  { key: 'service.name', value: { stringValue: 'node-exporter' } },
  { key: 'host.name', value: { stringValue: 'reference-host' } },
  { key: 'deployment.environment.name', value: { stringValue: 'dry-run' } },
];
const SCOPE = { name: 'flowgate.dry-run.samples', version: '1' };

let check = false;
let input = DEFAULT_INPUT;
for (const a of process.argv.slice(2)) {
  if (a === '--check') check = true;
  else if (a.startsWith('-')) {
    process.stderr.write(`unknown option ${a}\n`);
    process.exit(2);
  } else input = path.resolve(a);
}

/** Parses the exposition: {types: Map<name, type>, series: [{name, labels, value}]} in file order. */
function parseExposition(text) {
  const types = new Map();
  const series = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(/\s+/);
      types.set(name, type);
      continue;
    }
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = {};
    const body = m[3] ?? '';
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
    for (let l = re.exec(body); l; l = re.exec(body))
      labels[l[1]] = l[2].replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
    series.push({ name: m[1], labels, value: Number(m[4]) });
  }
  return { types, series };
}

const attrs = (labels) =>
  Object.keys(labels)
    .sort()
    .map((k) => ({ key: k, value: { stringValue: labels[k] } }));
const str = (v) => ({ stringValue: v });

function metricsSample({ types, series }) {
  const metrics = [];
  for (const name of METRIC_NAMES) {
    const points = series.filter((s) => s.name === name).slice(0, MAX_SERIES);
    if (points.length === 0) throw new Error(`metric ${name} is not in the reference workload`);
    const type = types.get(name) ?? 'untyped';
    const dataPoints = points.map((p) => ({
      attributes: attrs(p.labels),
      ...(type === 'counter' ? { startTimeUnixNano: START_NS } : {}),
      timeUnixNano: TIME_NS,
      asDouble: p.value,
    }));
    metrics.push(
      type === 'counter'
        ? { name, sum: { dataPoints, aggregationTemporality: 2, isMonotonic: true } }
        : { name, gauge: { dataPoints } },
    );
  }
  return { resourceMetrics: [{ resource: { attributes: RESOURCE }, scopeMetrics: [{ scope: SCOPE, metrics }] }] };
}

const SEVERITY = { DEBUG: 5, INFO: 9, WARN: 13, ERROR: 17 };

function logsSample({ series }) {
  const records = [];
  let seq = 0;
  const add = (severity, body, attributes) => {
    // One record every 100 ms from the fixed instant, so the order is stable.
    const t = (BigInt(TIME_NS) + BigInt(seq++) * 100_000_000n).toString();
    records.push({
      timeUnixNano: t,
      observedTimeUnixNano: t,
      severityNumber: SEVERITY[severity],
      severityText: severity,
      body: str(body),
      attributes: attributes.map(([k, v]) => ({ key: k, value: str(v) })),
    });
  };
  const of = (name, pred = () => true) => series.filter((s) => s.name === name && pred(s));

  for (const s of of('node_scrape_collector_success', (s) => s.value === 1).slice(0, 16)) {
    add('INFO', `collector ${s.labels.collector} scraped successfully`, [
      ['collector', s.labels.collector],
      ['component', 'node_exporter'],
    ]);
  }
  for (const s of of('node_hwmon_temp_celsius').slice(0, 10)) {
    add('DEBUG', `sensor ${s.labels.sensor} on ${s.labels.chip} reads ${s.value} °C`, [
      ['chip', s.labels.chip],
      ['sensor', s.labels.sensor],
      ['component', 'hwmon'],
    ]);
  }
  for (const s of of(
    'node_md_state',
    (s) => s.value === 1 && ['resync', 'recovering', 'check'].includes(s.labels.state),
  )) {
    add('WARN', `md array ${s.labels.device} is in state ${s.labels.state}`, [
      ['device', s.labels.device],
      ['state', s.labels.state],
      ['component', 'mdadm'],
    ]);
  }
  for (const s of of('node_zfs_zpool_state', (s) => s.value === 1 && s.labels.state === 'degraded')) {
    add('WARN', `zpool ${s.labels.zpool} is degraded`, [
      ['zpool', s.labels.zpool],
      ['state', s.labels.state],
      ['component', 'zfs'],
    ]);
  }
  for (const s of of('node_md_disks', (s) => s.labels.state === 'failed' && s.value > 0)) {
    add('ERROR', `md array ${s.labels.device} has ${s.value} failed disk(s)`, [
      ['device', s.labels.device],
      ['state', 'failed'],
      ['component', 'mdadm'],
    ]);
  }
  for (const s of of('node_md_state', (s) => s.value === 1 && s.labels.state === 'inactive')) {
    add('ERROR', `md array ${s.labels.device} is inactive`, [
      ['device', s.labels.device],
      ['state', s.labels.state],
      ['component', 'mdadm'],
    ]);
  }
  for (const s of of('node_zfs_zpool_state', (s) => s.value === 1 && s.labels.state === 'suspended')) {
    add('ERROR', `zpool ${s.labels.zpool} is suspended`, [
      ['zpool', s.labels.zpool],
      ['state', s.labels.state],
      ['component', 'zfs'],
    ]);
  }
  return { resourceLogs: [{ resource: { attributes: RESOURCE }, scopeLogs: [{ scope: SCOPE, logRecords: records }] }] };
}

if (!fs.existsSync(input)) {
  if (check) {
    process.stdout.write(`gen-dry-run-samples: ${input} not present, check skipped\n`);
    process.exit(0);
  }
  process.stderr.write(`gen-dry-run-samples: ${input} not found (pass the path to node-exporter-e2e-output.prom)\n`);
  process.exit(1);
}
const parsed = parseExposition(fs.readFileSync(input, 'utf8'));
const samples = {
  source:
    'prometheus/node_exporter collector/fixtures/e2e-output.txt (Apache-2.0), via scripts/gen-dry-run-samples.mjs',
  metrics: metricsSample(parsed),
  logs: logsSample(parsed),
};
const text = `${JSON.stringify(samples, null, 1)}\n`;
const rel = path.relative(process.cwd(), OUT);
if (check) {
  const committed = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : null;
  if (committed !== text) {
    process.stderr.write(
      `gen-dry-run-samples: ${rel} is stale; run node scripts/gen-dry-run-samples.mjs and commit it\n`,
    );
    process.exit(1);
  }
  process.stdout.write(`gen-dry-run-samples: ${rel} is up to date\n`);
} else {
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, text);
  const m = samples.metrics.resourceMetrics[0].scopeMetrics[0].metrics;
  const points = m.reduce((n, x) => n + (x.sum ?? x.gauge).dataPoints.length, 0);
  process.stdout.write(
    `gen-dry-run-samples: wrote ${rel} (${m.length} metrics, ${points} data points, ` +
      `${samples.logs.resourceLogs[0].scopeLogs[0].logRecords.length} log records)\n`,
  );
}
