import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { create, toBinary } from '@bufbuild/protobuf';
import { AgentCapability } from '@flowgate/opamp';
import { startTestFlowgate, api, type TestFlowgate } from '../../testing/harness.ts';
import { SimAgent, description, eventually } from '../../testing/sim-agent.ts';
import { ExportMetricsServiceRequestSchema, type ExportMetricsServiceRequest } from './gen/flowgate/otlp/metrics_pb.ts';
import { snapshotFrom } from './telemetry.service.ts';

let fg: TestFlowgate;
let base: string;
const agents: SimAgent[] = [];
before(async () => {
  fg = await startTestFlowgate();
  await fg.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(fg.app.server.address() as { port: number }).port}`;
});
after(async () => {
  for (const a of agents) await a.stop().catch(() => undefined);
  await fg?.close();
});

function counters(
  received: number,
  sent: number,
  processorIn: number,
  processorOut: number,
): ExportMetricsServiceRequest {
  const sum = (name: string, value: number, attrs: Record<string, string> = {}) => ({
    name,
    data: {
      case: 'sum' as const,
      value: {
        isMonotonic: true,
        aggregationTemporality: 2,
        dataPoints: [
          {
            value: { case: 'asDouble' as const, value },
            attributes: Object.entries(attrs).map(([key, v]) => ({
              key,
              value: { value: { case: 'stringValue' as const, value: v } },
            })),
          },
        ],
      },
    },
  });
  return create(ExportMetricsServiceRequestSchema, {
    resourceMetrics: [
      {
        scopeMetrics: [
          {
            metrics: [
              sum('otelcol_receiver_accepted_metric_points', received, { receiver: 'otlp', transport: 'http' }),
              sum('otelcol_exporter_sent_metric_points', sent, { exporter: 'otlphttp' }),
              sum('otelcol_processor_incoming_items', processorIn, {
                processor: 'filter/drop',
                'otel.signal': 'metrics',
              }),
              sum('otelcol_processor_outgoing_items', processorOut, {
                processor: 'filter/drop',
                'otel.signal': 'metrics',
              }),
              {
                name: 'otelcol_process_uptime',
                data: {
                  case: 'gauge' as const,
                  value: { dataPoints: [{ value: { case: 'asDouble' as const, value: 12 } }] },
                },
              },
            ],
          },
        ],
      },
    ],
  });
}

test('snapshot: sums counters per signal and keeps processor in/out', () => {
  const s = snapshotFrom(counters(100, 70, 100, 70));
  assert.deepEqual(s.received, { metric_points: 100 });
  assert.deepEqual(s.sent, { metric_points: 70 });
  assert.deepEqual(s.processors, { 'filter/drop|metrics': { incoming: 100, outgoing: 70 } });
});

test(
  'own_metrics offer → OTLP/HTTP push (protobuf gzip and JSON) ' + '→ /gateways/{id}/metrics shows the figures',
  async () => {
    const token = (await api(fg, fg.adminToken).post('/api/v1/registration-tokens', { name: 't', expires_in_days: 1 }))
      .body.token;
    const a = new SimAgent({
      url: `ws://${base.slice(7)}/v1/opamp`,
      token,
      capabilities:
        AgentCapability.ReportsStatus | AgentCapability.AcceptsRemoteConfig | AgentCapability.ReportsOwnMetrics,
    });
    agents.push(a);
    await a.start();
    await a.send({ agentDescription: description('telemetry-1') });
    const offer = await a.next((m) => !!m.connectionSettings?.ownMetrics);
    const om = offer.connectionSettings!.ownMetrics!;
    assert.equal(om.destinationEndpoint, `${base}/v1/metrics`);
    const auth = om.headers!.headers.find((h) => h.key === 'Authorization')!.value;
    // Sent once: the next reply carries no offer.
    const n = a.received.length;
    await a.send({});
    const next = await a.next(() => true, 5000, n);
    assert.equal(next.connectionSettings, undefined);

    const bad = await fetch(om.destinationEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', authorization: 'Bearer fgt_nope' },
      body: toBinary(ExportMetricsServiceRequestSchema, counters(1, 1, 1, 1)),
    });
    assert.equal(bad.status, 401);
    const garbage = await fetch(om.destinationEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', authorization: auth },
      body: new Uint8Array([0xff, 0xff, 0xff]),
    });
    assert.equal(garbage.status, 400);

    const pb = await fetch(om.destinationEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip', authorization: auth },
      body: gzipSync(toBinary(ExportMetricsServiceRequestSchema, counters(1000, 640, 1000, 640))),
    });
    assert.equal(pb.status, 200);
    const gw = await eventually(
      async () => (await api(fg, fg.adminToken).get('/api/v1/gateways?name=telemetry-1')).body.items[0],
    );
    const m1 = (await api(fg, fg.adminToken).get(`/api/v1/gateways/${gw.id}/metrics`)).body;
    assert.equal(m1.totals.received.metric_points, 1000);
    assert.equal(m1.totals.sent.metric_points, 640);
    assert.deepEqual(m1.processors, [{ processor: 'filter/drop', signal: 'metrics', incoming: 1000, outgoing: 640 }]);

    const json = await fetch(om.destinationEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: auth },
      body: JSON.stringify({
        resourceMetrics: [
          {
            scopeMetrics: [
              { metrics: [{ name: 'otelcol_receiver_accepted_log_records', sum: { dataPoints: [{ asInt: '25' }] } }] },
            ],
          },
        ],
      }),
    });
    assert.equal(json.status, 200, await json.text());
    const m2 = (await api(fg, fg.adminToken).get(`/api/v1/gateways/${gw.id}/metrics`)).body;
    assert.equal(m2.totals.received.log_records, 25);
    assert.equal(m2.logs_processed, 25);
  },
);
