/* global fetch */
// The Flowgate gateway collector (gateway/dist/otelcol-flowgate, OpenTelemetry Collector v0.158.0 built by
// `npm run gateway:build`), logging at level debug in its default console encoding. Config: OTLP receiver,
// filelog receiver tailing files that get written and rotated, a prometheus receiver scraping a live and a
// dead target, the debug exporter and an OTLP/HTTP exporter whose backend is down half of the time. Load:
// OTLP/HTTP logs, metrics and traces (valid and malformed), file lines, then SIGTERM. A second run with an
// invalid configuration adds the start-up errors.
import { appendFileSync, existsSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { daemon, freePort, log, rng, run, sleep, waitPort } from '../lib.mjs';

const bin = resolve(import.meta.dirname, '../../../gateway/dist/otelcol-flowgate');

export async function collectCollector(outFile, tmp) {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run npm run gateway:build`);
  const http = await freePort();
  const grpc = await freePort();
  const dead = await freePort();
  const backendPort = await freePort();
  const scrape = await freePort();
  // A backend that answers 503 for a while, then accepts: retries, then recovery.
  let backendDown = true;
  const backend = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(backendDown ? 503 : 200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise((r) => backend.listen(backendPort, '127.0.0.1', r));
  const exposition = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`# TYPE app_requests_total counter\napp_requests_total{code="200"} ${Date.now() % 1000}\n`);
  });
  await new Promise((r) => exposition.listen(scrape, '127.0.0.1', r));
  const appLog = join(tmp, 'app.log');
  writeFileSync(appLog, '');
  const config = join(tmp, 'config.yaml');
  writeFileSync(
    config,
    `receivers:
  otlp:
    protocols:
      http: { endpoint: 127.0.0.1:${http} }
      grpc: { endpoint: 127.0.0.1:${grpc} }
  filelog:
    include: [${tmp}/app*.log]
    start_at: beginning
    poll_interval: 200ms
  prometheus:
    config:
      scrape_configs:
        - job_name: app
          scrape_interval: 2s
          static_configs: [{ targets: ['127.0.0.1:${scrape}', '127.0.0.1:${dead}'] }]
processors:
  batch: { timeout: 500ms }
  memory_limiter: { check_interval: 1s, limit_mib: 512 }
exporters:
  debug: { verbosity: basic }
  otlphttp/backend:
    endpoint: http://127.0.0.1:${backendPort}
    timeout: 2s
    retry_on_failure: { initial_interval: 500ms, max_interval: 2s, max_elapsed_time: 6s }
  otlp/down:
    endpoint: 127.0.0.1:${dead}
    tls: { insecure: true }
    timeout: 1s
    retry_on_failure: { initial_interval: 1s, max_interval: 2s, max_elapsed_time: 4s }
service:
  telemetry:
    logs: { level: debug }
    metrics: { level: none }
  pipelines:
    logs: { receivers: [otlp, filelog], processors: [memory_limiter, batch], exporters: [debug, otlphttp/backend] }
    metrics: { receivers: [otlp, prometheus], processors: [memory_limiter, batch], exporters: [debug, otlphttp/backend] }
    traces: { receivers: [otlp], processors: [batch], exporters: [debug, otlp/down] }
`,
  );
  const collector = daemon(bin, ['--config', config], outFile);
  const r = rng(41);
  try {
    await waitPort(http);
    log('collector', `otlp http ${http}`);
    const post = (path, body, type = 'application/json') =>
      fetch(`http://127.0.0.1:${http}${path}`, { method: 'POST', headers: { 'content-type': type }, body }).catch(
        () => null,
      );
    const now = () => String(Date.now() * 1e6);
    for (let i = 0; i < 160; i++) {
      backendDown = i < 40 || (i >= 100 && i < 120);
      const service = r.pick(['checkout', 'cart', 'payments']);
      await post(
        '/v1/logs',
        JSON.stringify({
          resourceLogs: [
            {
              resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
              scopeLogs: [
                {
                  logRecords: Array.from({ length: r.int(1, 5) }, () => ({
                    timeUnixNano: now(),
                    severityText: 'INFO',
                    body: { stringValue: `order ${r.int(1, 9999)} placed` },
                  })),
                },
              ],
            },
          ],
        }),
      );
      await post(
        '/v1/metrics',
        JSON.stringify({
          resourceMetrics: [
            {
              resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
              scopeMetrics: [
                {
                  metrics: [
                    {
                      name: 'orders',
                      sum: {
                        aggregationTemporality: 2,
                        isMonotonic: true,
                        dataPoints: [{ asInt: String(i), timeUnixNano: now() }],
                      },
                    },
                  ],
                },
              ],
            },
          ],
        }),
      );
      if (i % 3 === 0) {
        await post(
          '/v1/traces',
          JSON.stringify({
            resourceSpans: [
              {
                resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
                scopeSpans: [
                  {
                    spans: [
                      {
                        traceId: '5b8efff798038103d269b633813fc60c',
                        spanId: 'eee19b7ec3c1b174',
                        name: 'GET /cart',
                        kind: 2,
                        startTimeUnixNano: now(),
                        endTimeUnixNano: now(),
                      },
                    ],
                  },
                ],
              },
            ],
          }),
        );
      }
      if (i % 10 === 5) {
        await post('/v1/logs', '{"resourceLogs": [{"scopeLogs": 5}]}');
        await post('/v1/metrics', 'not json at all');
        await post('/v1/logs', 'x', 'application/x-protobuf');
        await post('/v1/logs', '{}', 'text/plain');
      }
      appendFileSync(
        appLog,
        `${new Date().toISOString()} level=info msg="request served" path=/cart/${r.int(1, 99)}\n`,
      );
      if (i === 80) renameSync(appLog, join(tmp, 'app-rotated.log'));
      if (i === 81) writeFileSync(appLog, '');
      await sleep(250);
    }
    await sleep(5000);
  } finally {
    await collector.stop('SIGTERM', 15_000);
    backend.close();
    exposition.close();
  }
  log('collector', 'invalid configurations');
  writeFileSync(
    join(tmp, 'bad.yaml'),
    `receivers: { otlp: { protocols: { http: { endpoint: 127.0.0.1:${http} } } } }
processors: { filter/drop: { logs: { log_record: ['IsMatch(body, "[")'] } } }
exporters: { debug: {} }
service: { pipelines: { logs: { receivers: [otlp], processors: [filter/drop], exporters: [debug] } } }
`,
  );
  writeFileSync(
    join(tmp, 'bad2.yaml'),
    `receivers: { otlp: { protocols: { http: { endpoint: 127.0.0.1:${http} } } } }
exporters: { debug: {} }
service: { pipelines: { logs: { receivers: [otlp], processors: [batch], exporters: [debug, otlphttp] } } }
`,
  );
  for (const f of ['bad.yaml', 'bad2.yaml']) {
    const res = await run(bin, ['--config', join(tmp, f)], { timeoutMs: 20_000 });
    appendFileSync(outFile, res.stdout + res.stderr);
  }
}
