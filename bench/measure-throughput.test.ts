// Keeps bench:measure honest (issue 10): a short run through the real collector with an OTLP sink
// must deliver every request (the bench throws otherwise), and the flowgate_measure instances must
// have counted exactly the data points the load generator got accepted — which also proves the
// bench's hand-written OTLP protobuf is what the collector decodes. Behaviour only, never timings.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { COLLECTOR_BIN } from '../e2e/lib/gateway.ts';
import { acquireGatewayLock, type GatewayLock } from '../e2e/lib/gateway-lock.ts';
import { runMeasureBench } from './lib/measure-bench.ts';

const skip = existsSync(COLLECTOR_BIN) ? false : 'gateway binaries not built: npm run gateway:build';
let lock: GatewayLock | null = null;
before(async () => {
  if (!skip) lock = await acquireGatewayLock('bench/measure-throughput.test.ts');
});
after(() => lock?.release());

test(
  'bench:measure: the processors count every accepted data point, the sink gets every request',
  { skip },
  async () => {
    const r = await runMeasureBench({
      seconds: 2,
      rounds: 1,
      warmupSeconds: 1,
      concurrency: 2,
      batches: 3,
      compression: 'gzip',
      sinks: ['otlp'],
    });
    assert.equal(r.runs.length, 2);
    for (const run of r.runs) {
      assert.equal(run.failed_requests, 0, `${run.config}: failed requests`);
      assert.ok(run.items > 0, `${run.config}: nothing accepted`);
    }
    assert.ok(r.measured_check.sent_items > 0);
    assert.equal(r.measured_check.in_items, r.measured_check.sent_items);
    assert.equal(r.measured_check.out_items, r.measured_check.sent_items);
    assert.equal(r.measured_check.metric_names, 20);
    assert.equal(r.settings.request_bytes > r.settings.request_bytes_sent, true, 'gzip-compressed');
    const otlp = (r as unknown as Record<string, { ratio: number; cpu_efficiency_ratio: number }>).otlp!;
    assert.ok(Number.isFinite(otlp.ratio) && Number.isFinite(otlp.cpu_efficiency_ratio));
  },
);
