/* global fetch */
// Prometheus (Debian prometheus 2.42) with node_exporter (Debian prometheus-node-exporter 1.5; cpu, meminfo, uname, loadavg, netdev collectors), both logging
// logfmt at level debug. Prometheus scrapes itself, node_exporter and two dead targets every second,
// evaluates a rule file with a rule that fails, remote-writes to an endpoint that is down, and is reloaded
// (once with a broken configuration), queried (good and bad PromQL) and stopped.
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { daemon, freePort, log, rng, sleep, waitPort } from '../lib.mjs';

export async function collectPrometheus(outFile, tmp) {
  const port = await freePort();
  const nodePort = await freePort();
  const dead = await freePort();
  const dead2 = await freePort();
  const rw = await freePort();
  mkdirSync(join(tmp, 'data'));
  writeFileSync(
    join(tmp, 'rules.yml'),
    `groups:
  - name: node
    interval: 2s
    rules:
      - record: instance:cpu:rate1m
        expr: sum by (instance) (rate(node_cpu_seconds_total{mode!="idle"}[1m]))
      - alert: TargetDown
        expr: up == 0
        for: 3s
        labels: { severity: page }
      - record: broken:ratio
        expr: node_memory_MemFree_bytes / on(instance) group_left node_uname_info
`,
  );
  const config = (broken) => `global: { scrape_interval: 1s, evaluation_interval: 2s }
rule_files: [${tmp}/rules.yml]
scrape_configs:
  - job_name: prometheus
    static_configs: [{ targets: ['127.0.0.1:${port}'] }]
  - job_name: node
    static_configs: [{ targets: ['127.0.0.1:${nodePort}'] }]
  - job_name: app
    scrape_timeout: 500ms
    static_configs: [{ targets: ['127.0.0.1:${dead}', '127.0.0.1:${dead2}'] }]
remote_write:
  - url: http://127.0.0.1:${rw}/api/v1/write
    queue_config: { min_backoff: 200ms, max_backoff: 1s, batch_send_deadline: 1s }
${broken ? 'scrape_configs_typo: []\n' : ''}`;
  const promConfig = join(tmp, 'prometheus.yml');
  writeFileSync(promConfig, config(false));
  const nodeLog = join(tmp, 'node.txt');
  const node = daemon(
    'prometheus-node-exporter',
    [
      `--web.listen-address=127.0.0.1:${nodePort}`,
      '--log.level=debug',
      '--collector.disable-defaults',
      '--collector.cpu',
      '--collector.meminfo',
      '--collector.uname',
      '--collector.loadavg',
      '--collector.netdev',
    ],
    nodeLog,
  );
  const prom = daemon(
    'prometheus',
    [
      `--config.file=${promConfig}`,
      `--storage.tsdb.path=${tmp}/data`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
      '--log.level=debug',
    ],
    outFile,
  );
  try {
    await waitPort(port);
    await waitPort(nodePort);
    log('prometheus', `port ${port}`);
    const r = rng(53);
    const api = (path, init) =>
      fetch(`http://127.0.0.1:${port}${path}`, init)
        .then((res) => res.text())
        .catch(() => '');
    for (let i = 0; i < 60; i++) {
      await api(
        `/api/v1/query?query=${encodeURIComponent(r.pick(['up', 'rate(node_cpu_seconds_total[1m])', 'sum(', 'node_memory_MemFree_bytes / on() node_uname_info', 'topk(3, prometheus_http_requests_total)']))}`,
      );
      if (i === 15) {
        writeFileSync(promConfig, config(true));
        await api('/-/reload', { method: 'POST' });
      }
      if (i === 18) {
        writeFileSync(promConfig, config(false));
        await api('/-/reload', { method: 'POST' });
      }
      await sleep(1000);
    }
    log('prometheus', 'stop');
  } finally {
    await prom.stop('SIGTERM', 20_000);
    await node.stop('SIGTERM', 5_000);
  }
  appendFileSync(outFile, readFileSync(nodeLog));
}
