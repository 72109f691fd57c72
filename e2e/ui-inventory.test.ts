// The edge-measurement pages in a real browser (playwright-core driving Debian's chromium) against a real
// `flowgate start`: simulated gateways announce io.flowgate.measure and send summaries over OpAMP (twelve
// hours of history, then the current minute); the gateway page shows bytes in → out per pipeline beside
// the item throughput and an Inventory tab (metrics, labels, log groups); a gateway whose build has no
// processor says so; the dashboard shows bytes in vs out per signal. Screenshots in light and dark mode.
//
// Selectors come only from the UI's shared registry (packages/ui/src/lib/testids.ts).
import { describe, test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { AgentCapability } from '@flowgate/opamp';
import { testIds, byTestId } from '../packages/ui/src/lib/testids.ts';
import { startServer, eventually, type ServerProcess } from './lib/server.ts';
import { TestAgent } from './lib/agent.ts';
import { freshDatabase, type TestDatabase } from './lib/database.ts';
import {
  ensureUiBuilt,
  login,
  openBrowser,
  sel,
  SHOTS,
  skipWithoutChromium as skip,
  type Browser,
} from './lib/browser.ts';
import { clusterSummary, MEASURE_CAPABILITY, MEASURE_COMPONENTS, summaryMessage } from './lib/inventory.ts';

describe('edge measurement in the web UI', { skip }, () => {
  let db: TestDatabase | null = null;
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  const agents: TestAgent[] = [];
  const ids: Record<string, string> = {};

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const ok = async <T = any>(method: string, path: string, body?: unknown): Promise<T> => {
    const r = await server.api<T>(method, path, body);
    assert.ok(r.status >= 200 && r.status < 300, `${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };

  async function gateway(host: string, measure: boolean) {
    const token = (await ok<{ token: string }>('POST', '/api/v1/registration-tokens', { name: `ui-${host}` })).token;
    const a = new TestAgent({
      url: `${server.url.replace(/^http/, 'ws')}/v1/opamp`,
      token,
      hostName: host,
      version: measure ? '0.158.0-flowgate.2' : '0.149.0-flowgate.1',
      extraCapabilities: AgentCapability.ReportsOwnMetrics,
      // An older build reports its components too, without the processor.
      ...(measure
        ? { components: MEASURE_COMPONENTS, customCapabilities: [MEASURE_CAPABILITY] }
        : { components: { ...MEASURE_COMPONENTS, processors: ['batch', 'filter', 'attributes'] } }),
    });
    agents.push(a);
    await a.start();
    ids[host] = await eventually(async () => {
      const items = (await ok<{ items: { id: string; name: string }[] }>('GET', `/api/v1/gateways?name=${host}`)).items;
      return items.find((g) => g.name === host)?.id;
    }, 20_000);
    return a;
  }

  /** The gateway's own metrics (items received and sent), for the throughput chart beside the bytes. */
  async function ownMetrics(a: TestAgent, received: number, sent: number) {
    const offer = await eventually(
      async () => a.received.find((m) => m.connectionSettings?.ownMetrics)?.connectionSettings?.ownMetrics,
      10_000,
    );
    const auth = offer.headers?.headers.find((h) => h.key.toLowerCase() === 'authorization')?.value ?? '';
    const counter = (name: string, value: number, attrs: Record<string, string>) => ({
      name,
      sum: {
        isMonotonic: true,
        aggregationTemporality: 2,
        dataPoints: [
          {
            asDouble: value,
            attributes: Object.entries(attrs).map(([key, v]) => ({ key, value: { stringValue: v } })),
          },
        ],
      },
    });
    const r = await fetch(offer.destinationEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: auth },
      body: JSON.stringify({
        resourceMetrics: [
          {
            scopeMetrics: [
              {
                metrics: [
                  counter('otelcol_receiver_accepted_metric_points', received, { receiver: 'otlp' }),
                  counter('otelcol_exporter_sent_metric_points', sent, { exporter: 'otlphttp/grafana' }),
                ],
              },
            ],
          },
        ],
      }),
    });
    assert.equal(r.status, 200, await r.text());
  }

  before(async () => {
    ensureUiBuilt();
    db = await freshDatabase();
    server = await startServer(db.env);
    browser = await openBrowser();
    page = browser.page;

    const measuring = await gateway('edge-eu-1', true);
    await gateway('edge-legacy', false);
    // Twelve hours of history (a daily curve), oldest first, then the minute that just ended.
    const hour = 3_600_000;
    const now = Math.floor(Date.now() / 60_000) * 60_000;
    for (let h = 12; h >= 1; h--) {
      const end = new Date(Math.floor((now - h * hour) / hour) * hour + 30 * 60_000);
      const load = 0.6 + 0.4 * Math.sin((h / 12) * Math.PI);
      await measuring.send({ customMessage: summaryMessage(clusterSummary(end, load, 3600)) });
    }
    await measuring.send({ customMessage: summaryMessage(clusterSummary(new Date(now))) });
    await eventually(async () => {
      const inv = await ok(`GET`, `/api/v1/gateways/${ids['edge-eu-1']}/inventory`);
      return inv.measurement.status === 'reporting' && inv.pipelines.length === 2;
    }, 20_000);
    await ownMetrics(measuring, 1_260_000, 610_000);
    await login(page, server.url);
  });

  afterEach(async (t) => {
    await browser?.shotOnFailure(t as { name: string; passed?: boolean });
  });

  after(async () => {
    await browser?.close();
    for (const a of agents) await a.stop().catch(() => undefined);
    await server?.stop();
    await db?.drop();
  });

  const settled = () => page.waitForSelector(byTestId(testIds.app.loading), { state: 'detached' });
  const attr = async (selector: string, name: string) => Number(await page.getAttribute(selector, `data-${name}`));

  async function gatewayOverview() {
    await page.goto(`${server.url}/agents/${ids['edge-eu-1']}`);
    await page.waitForSelector(byTestId(testIds.inventory.bytesCard));
    await page.waitForSelector(sel(testIds.inventory.pipelineRow, { name: 'metrics' }));
    await settled();
  }
  async function inventoryTab(host = 'edge-eu-1') {
    await page.goto(`${server.url}/agents/${ids[host]}`);
    await page.click(byTestId(testIds.inventory.tab));
    await page.waitForSelector(byTestId(testIds.inventory.status));
    await settled();
  }
  async function dashboard() {
    await page.goto(`${server.url}/`);
    await page.waitForSelector(sel(testIds.inventory.dashboardSignal, { signal: 'metrics' }));
    await settled();
  }

  test('the gateway page shows bytes in → out per pipeline beside the item throughput', async () => {
    await gatewayOverview();
    const metrics = sel(testIds.inventory.pipelineRow, { name: 'metrics' });
    const logs = sel(testIds.inventory.pipelineRow, { name: 'logs' });
    // Per minute in the latest window: the filter drops the debug and GC metrics and most pod-phase series.
    assert.equal(await attr(metrics, 'bytes-in'), 5_125_000);
    assert.equal(await attr(metrics, 'bytes-out'), 2_600_000 + 380_000 + 410_000);
    assert.ok((await attr(logs, 'bytes-out')) < (await attr(logs, 'bytes-in')));
    const reduction = await page.textContent(`${metrics} ${byTestId(testIds.inventory.reduction)}`);
    assert.equal(reduction?.trim(), '−33.9 %');
    await page.waitForSelector(`${byTestId(testIds.inventory.bytesChart)}:not([data-empty])`);
    await page.waitForSelector(`${byTestId(testIds.agentDetail.throughputChart)}:not([data-empty])`);
  });

  test('the Inventory tab lists metrics with series, rates, exported bytes and the labels that explode', async () => {
    await inventoryTab();
    await page.waitForSelector(sel(testIds.inventory.status, { status: 'reporting' }));
    const rows = await page.$$eval(byTestId(testIds.inventory.metricRow), (els) =>
      els.map((e) => e.getAttribute('data-name')),
    );
    assert.deepEqual(rows, [
      'http_server_request_duration_seconds',
      'kube_pod_status_phase',
      'node_cpu_seconds_total',
      'debug_events_total',
      'go_gc_duration_seconds',
    ]);
    const pods = sel(testIds.inventory.metricRow, { name: 'kube_pod_status_phase' });
    assert.equal(await attr(pods, 'series'), 6100);
    // Labels by distinct values: the pod name first (an estimate above the exact limit).
    const chips = await page.$$eval(`${pods} ${byTestId(testIds.inventory.metricLabel)}`, (els) =>
      els.map((e) => [e.getAttribute('data-name'), Number(e.getAttribute('data-distinct'))]),
    );
    assert.deepEqual(chips, [
      ['pod', 1220],
      ['namespace', 38],
      ['phase', 5],
    ]);
    const route = sel(testIds.inventory.metricLabel, { name: 'http.route' });
    assert.equal(await attr(route, 'distinct'), 40);
    assert.match(
      (await page.textContent(sel(testIds.inventory.metricRow, { name: 'debug_events_total' }))) ?? '',
      /dropped/,
    );
    const logRows = await page.$$eval(byTestId(testIds.inventory.logRow), (els) =>
      els.map((e) => e.getAttribute('data-name')),
    );
    assert.equal(logRows[0], 'checkout/DEBUG', 'the largest log group first');
    await browser.shot('agent-inventory');

    await page.fill(byTestId(testIds.inventory.search), 'node_');
    await page.waitForFunction((s) => document.querySelectorAll(s).length === 1, byTestId(testIds.inventory.metricRow));
  });

  test('a gateway whose build has no flowgate_measure says so', async () => {
    await inventoryTab('edge-legacy');
    await page.waitForSelector(sel(testIds.inventory.empty, { reason: 'unsupported' }));
    assert.match((await page.textContent(byTestId(testIds.inventory.empty))) ?? '', /cannot measure/);
    await page.goto(`${server.url}/agents/${ids['edge-legacy']}`);
    await page.waitForSelector(
      `${byTestId(testIds.inventory.bytesCard)} ${sel(testIds.inventory.empty, { reason: 'unsupported' })}`,
    );
  });

  test('the dashboard shows bytes in vs out per signal', async () => {
    await dashboard();
    const metrics = sel(testIds.inventory.dashboardSignal, { signal: 'metrics' });
    assert.match((await page.textContent(metrics)) ?? '', /−33\.9 %/);
    await page.waitForSelector(sel(testIds.inventory.dashboardSignal, { signal: 'logs' }));
    await page.waitForSelector(`${byTestId(testIds.inventory.dashboardBytesChart)}:not([data-empty])`);
  });

  test('screenshots of the measurement pages in light and dark mode', { timeout: 120_000 }, async () => {
    const pages: [string, () => Promise<void>][] = [
      [
        'agent-bytes',
        async () => {
          await gatewayOverview();
          await page.locator(byTestId(testIds.inventory.bytesCard)).scrollIntoViewIfNeeded();
        },
      ],
      ['agent-inventory', () => inventoryTab()],
      ['agent-inventory-unsupported', () => inventoryTab('edge-legacy')],
      [
        'dashboard-bytes',
        async () => {
          await dashboard();
          await page.locator(byTestId(testIds.inventory.dashboardBytes)).scrollIntoViewIfNeeded();
        },
      ],
    ];
    for (const [name, open] of pages) {
      await open();
      await browser.shot(name);
    }
    await page.click(sel(testIds.header.themeToggle, { theme: 'light' }));
    await page.waitForSelector(sel(testIds.header.themeToggle, { theme: 'dark' }));
    for (const [name, open] of pages) {
      await open();
      await browser.shot(name);
    }
    const files = readdirSync(SHOTS);
    for (const [name] of pages)
      for (const theme of ['light', 'dark']) assert.ok(files.includes(`${name}-${theme}.png`), `${name}-${theme}.png`);
    assert.deepEqual(browser.pageErrors, [], 'no uncaught errors in the page');
  });
});
