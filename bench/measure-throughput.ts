// Throughput cost of the flowgate_measure processor (issue 10): the same otelcol-flowgate binary
// (gateway/dist) and the same OTLP/HTTP load — pre-encoded protobuf requests of 1,000 data points
// (20 monotonic sums × 50 points, four attributes each), gzip-compressed as OTLP exporters send
// them, `--concurrency` requests in flight as fast as the collector answers — into a `nop`
// exporter and/or an OTLP exporter to a sink, without and with the two processors the control plane
// inserts (in + out), alternating runs in the same invocation. Progress goes to stderr; the last
// line on stdout is one JSON object.
//
//   npm run bench:measure -- [--seconds 5] [--rounds 4] [--concurrency 4] [--batches 8]
//                            [--warmup 3] [--compression gzip|none] [--sink nop|otlp|both]
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { COLLECTOR_BIN } from '../e2e/lib/gateway.ts';
import { acquireGatewayLock } from '../e2e/lib/gateway-lock.ts';
import { runMeasureBench } from './lib/measure-bench.ts';
import { machine } from './lib/proc.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '4' },
    warmup: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '4' },
    batches: { type: 'string', default: '8' },
    compression: { type: 'string', default: 'gzip' },
    sink: { type: 'string', default: 'both' },
  },
});

const positive = (name: string, v: string | undefined) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) {
    process.stderr.write(`--${name} must be a positive number, got ${v}\n`);
    process.exit(2);
  }
  return n;
};
if (args.compression !== 'gzip' && args.compression !== 'none') {
  process.stderr.write(`--compression must be gzip or none, got ${args.compression}\n`);
  process.exit(2);
}
if (!['nop', 'otlp', 'both'].includes(args.sink!)) {
  process.stderr.write(`--sink must be nop, otlp or both, got ${args.sink}\n`);
  process.exit(2);
}
if (!existsSync(COLLECTOR_BIN)) {
  process.stderr.write(`${COLLECTOR_BIN} not found: build it first with npm run gateway:build\n`);
  process.exit(1);
}

// Real-gateway tests and this bench share the host one at a time (see e2e/lib/gateway-lock.ts).
const lock = await acquireGatewayLock('bench/measure-throughput.ts');
try {
  const result = await runMeasureBench({
    seconds: positive('seconds', args.seconds),
    rounds: Math.round(positive('rounds', args.rounds)),
    warmupSeconds: positive('warmup', args.warmup),
    concurrency: Math.round(positive('concurrency', args.concurrency)),
    batches: Math.round(positive('batches', args.batches)),
    compression: args.compression,
    sinks: args.sink === 'both' ? ['nop', 'otlp'] : [args.sink as 'nop' | 'otlp'],
    log: (m) => process.stderr.write(`[bench:measure] ${m}\n`),
  });
  process.stdout.write(`${JSON.stringify({ ...result, machine: machine(), at: new Date().toISOString() })}\n`);
} finally {
  lock.release();
}
