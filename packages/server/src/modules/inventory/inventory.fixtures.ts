// Shared by the inventory test files: a Flowgate whose log lines are kept, simulated gateways that can
// measure, and a realistic minute of summaries.
import { Writable } from 'node:stream';
import pino from 'pino';
import { MEASURE_CAPABILITY } from '@flowgate/config-model';
import { startTestFlowgate, api, type TestFlowgate } from '../../testing/harness.ts';
import { AutoAgent, eventually } from '../../testing/sim-agent.ts';
import { label, measurePoint } from '../../testing/measure.ts';

export const MEASURE_COMPONENTS = {
  receivers: ['otlp'],
  processors: ['batch', 'filter', 'flowgate_measure'],
  exporters: ['debug'],
};

export interface InventoryTestbed {
  fg: TestFlowgate;
  /** JSON log lines of the server (info and up). */
  logLines: string[];
  admin(): ReturnType<typeof api>;
  startGateway(
    name: string,
    opts?: { transport?: 'websocket' | 'http'; measure?: boolean; token?: string },
  ): Promise<{ agent: AutoAgent; id: string }>;
  rowCounts(): Promise<Record<string, number>>;
  regToken: string;
  close(): Promise<void>;
}

export async function startInventoryTestbed(): Promise<InventoryTestbed> {
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(String(chunk));
      cb();
    },
  });
  const fg = await startTestFlowgate({}, { logger: pino({ level: 'info' }, sink) });
  await fg.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (fg.app.server.address() as { port: number }).port;
  const admin = () => api(fg, fg.adminToken);
  const regToken = (await admin().post('/api/v1/registration-tokens', { name: 'inventory-tests', expires_in_days: 1 }))
    .body.token as string;
  const agents: AutoAgent[] = [];
  return {
    fg,
    logLines,
    admin,
    regToken,
    async startGateway(name, opts = {}) {
      const http = opts.transport === 'http';
      const a = new AutoAgent({
        url: `${http ? 'http' : 'ws'}://127.0.0.1:${port}/v1/opamp`,
        token: opts.token ?? regToken,
        hostName: name,
        ...(opts.measure === false ? {} : { components: MEASURE_COMPONENTS, customCapabilities: [MEASURE_CAPABILITY] }),
      });
      agents.push(a);
      await a.start();
      if (http) await a.sendFull();
      const gw = await eventually(async () =>
        (await admin().get(`/api/v1/gateways?name=${name}`)).body.items.find((g: { name: string }) => g.name === name),
      );
      return { agent: a, id: gw.id as string };
    },
    rowCounts: async () =>
      Object.fromEntries(
        await Promise.all(
          ['inventory_latest', 'inventory_hourly', 'inventory_metric_hourly'].map(async (t) => [
            t,
            (await fg.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`))[0]!.n,
          ]),
        ),
      ) as Record<string, number>,
    async close() {
      for (const a of agents) await a.stop().catch(() => undefined);
      await fg.close();
    },
  };
}

/** A minute's summary of a metrics pipeline with a filter dropping `debug_events_total`, and a logs pipeline. */
export function minute(end: Date, scale = 1) {
  return [
    measurePoint({
      pipeline: 'metrics',
      position: 'in',
      end,
      items: 3000 * scale,
      bytes: 600_000 * scale,
      metrics: [
        {
          name: 'http_server_requests_total',
          series: 40 * scale,
          datapoints: 2400 * scale,
          bytes: 480_000 * scale,
          labels: [label('route', 40), label('method', 4), label('status', 6)],
        },
        { name: 'debug_events_total', series: 10, datapoints: 600 * scale, bytes: 120_000 * scale },
      ],
    }),
    measurePoint({
      pipeline: 'metrics',
      position: 'out',
      end,
      items: 2400 * scale,
      bytes: 470_000 * scale,
      metrics: [
        {
          name: 'http_server_requests_total',
          series: 40 * scale,
          datapoints: 2400 * scale,
          bytes: 470_000 * scale,
          labels: [label('route', 40), label('method', 4), label('status', 6)],
        },
      ],
    }),
    measurePoint({
      pipeline: 'logs',
      position: 'in',
      signal: 'logs',
      end,
      items: 1300,
      bytes: 260_000,
      logs: [
        { service: 'checkout', severity: 'INFO', records: 1200, bytes: 240_000 },
        { service: 'checkout', severity: 'DEBUG', records: 100, bytes: 20_000 },
      ],
    }),
    measurePoint({
      pipeline: 'logs',
      position: 'out',
      signal: 'logs',
      end,
      items: 1200,
      bytes: 240_000,
      logs: [{ service: 'checkout', severity: 'INFO', records: 1200, bytes: 240_000 }],
    }),
  ];
}

export const lastMinute = () => new Date(Math.floor(Date.now() / 60_000) * 60_000);
