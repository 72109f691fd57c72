// The Usage page in a real browser (playwright-core + Debian's chromium) against a real `flowgate start`:
// add an uploaded dashboard (file input) and a Grafana connector (the Grafana stand-in of
// e2e/lib/grafana-standin.ts) through the dialog, see a bad upload refused with its code and a connector
// with a wrong token shown in error, search and filter the metrics, drill down to the panels that read
// a metric with links to Grafana. Screenshots, light and dark: e2e/artifacts/screenshots/usage*-<theme>.png.
import { describe, test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { testIds, byTestId } from '../packages/ui/src/lib/testids.ts';
import { startServer, type ServerProcess } from './lib/server.ts';
import { freshDatabase, type TestDatabase } from './lib/database.ts';
import { ensureUiBuilt, login, openBrowser, sel, skipWithoutChromium as skip, type Browser } from './lib/browser.ts';
import { startGrafanaStandIn, type GrafanaStandIn } from './lib/grafana-standin.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../packages/analysis/testdata/${name}`, import.meta.url));
const TOKEN = 'glsa_ui_standin_token_0123456789';
const u = testIds.usage;

describe('usage page', { skip }, () => {
  let db: TestDatabase;
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  let grafana: GrafanaStandIn;

  before(async () => {
    ensureUiBuilt();
    db = await freshDatabase();
    server = await startServer({ ...db.env, FLOWGATE_ALLOW_PRIVATE_TARGETS: 'true' });
    grafana = await startGrafanaStandIn(TOKEN);
    grafana.addDashboard(JSON.parse(readFileSync(fixture('kube-prometheus-node-rsrc-use.dashboard.json'), 'utf8')));
    assert.equal((await server.api('PUT', '/api/v1/secrets', { name: 'GRAFANA_TOKEN', value: TOKEN })).status, 201);
    assert.equal((await server.api('PUT', '/api/v1/secrets', { name: 'OLD_TOKEN', value: 'expired' })).status, 201);
    browser = await openBrowser();
    page = browser.page;
    await login(page, server.url, '/usage');
  });
  afterEach(async (t) => {
    await browser?.shotOnFailure(t as { name: string; passed?: boolean });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    await grafana?.close();
    await db?.drop();
  });

  const settled = () => page.waitForSelector(byTestId(testIds.app.loading), { state: 'detached' });
  async function openDialog(kind: string, name: string) {
    await page.click(byTestId(u.addSource));
    await page.click(byTestId(`${u.dialogKind}-${kind}`));
    await page.fill(byTestId(u.dialogName), name);
  }

  test('empty: the page explains what a source is', async () => {
    await page.click(byTestId(testIds.nav.usage));
    await page.waitForSelector(byTestId(u.page));
    await page.waitForSelector(byTestId(testIds.app.emptyState));
    await settled();
    await browser.shot('usage-empty');
  });

  test('a dashboard upload through the file input; a dashboard without panels is refused with its code', async () => {
    await openDialog('grafana_dashboard', 'Empty board');
    await page.fill(byTestId(u.dialogContent), '{"title": "Empty board", "panels": []}');
    await page.click(byTestId(u.dialogSubmit));
    const error = await page.waitForSelector(byTestId(u.dialogError));
    assert.match((await error.textContent()) ?? '', /USAGE_DASHBOARD_EMPTY/);
    await browser.shot('usage-add-refused');
    await page.fill(byTestId(u.dialogName), '');
    await page.setInputFiles(byTestId(u.dialogFile), fixture('node-exporter-full.dashboard.json'));
    // The file's name becomes the source's name once the file is read.
    await page.waitForFunction(
      (s) => (document.querySelector(s) as HTMLInputElement | null)?.value === 'node-exporter-full.dashboard',
      byTestId(u.dialogName),
    );
    await page.fill(byTestId(u.dialogName), 'Node Exporter Full');
    await page.click(byTestId(u.dialogSubmit));
    const row = await page.waitForSelector(sel(u.sourceRow, { name: 'Node Exporter Full', status: 'ok' }));
    assert.match((await row.textContent()) ?? '', /1 dashboard · 125 panels · 289 queries/);
    // What the analysis assumed for Grafana's variables is shown on the source.
    await row.$eval(byTestId(u.sourceVariables) + ' button', (b) => (b as HTMLButtonElement).click());
    assert.match((await row.textContent()) ?? '', /\$__rate_interval → 5m/);
  });

  test('a Grafana connector with its token secret; another with a wrong token shows the error', async () => {
    await openDialog('grafana', 'grafana prod');
    await page.fill(byTestId(u.dialogUrl), grafana.url);
    await page.fill(byTestId(u.dialogTokenSecret), 'GRAFANA_TOKEN');
    await browser.shot('usage-add-connector');
    await page.click(byTestId(u.dialogSubmit));
    await page.waitForSelector(sel(u.sourceRow, { name: 'grafana prod', status: 'ok' }));
    await openDialog('grafana', 'grafana old');
    await page.fill(byTestId(u.dialogUrl), grafana.url);
    await page.fill(byTestId(u.dialogTokenSecret), 'OLD_TOKEN');
    await page.click(byTestId(u.dialogSubmit));
    const bad = await page.waitForSelector(sel(u.sourceRow, { name: 'grafana old', status: 'error' }));
    assert.match((await bad.textContent()) ?? '', /USAGE_CONNECTOR_UNAUTHORIZED/);
  });

  test('metrics: search, filter, drill down to the panels with links to Grafana', async () => {
    // A rule whose recorded series nothing reads: its input shows as unused.
    const rules =
      'groups:\n  - name: g\n    rules:\n      - record: job:unread:sum\n        expr: sum by (job) (unread_input_total)\n';
    assert.equal(
      (await server.api('POST', '/api/v1/usage/sources', { kind: 'prometheus_rules', name: 'rules', content: rules }))
        .status,
      201,
    );
    await page.reload();
    await page.waitForSelector(byTestId(u.metricsTable));
    await page.fill(byTestId(u.metricsSearch), 'node_load1');
    await page.waitForSelector(sel(u.metricRow, { name: 'node_load1', used: 'true' }));
    await page.fill(byTestId(u.metricsSearch), '');
    await page.click(byTestId(`${u.metricsFilter}-false`));
    await page.waitForSelector(sel(u.metricRow, { name: 'unread_input_total', used: 'false' }));
    assert.equal((await page.$$(byTestId(u.metricRow))).length, 1);
    await page.click(byTestId(`${u.metricsFilter}-all`));
    await page.fill(byTestId(u.metricsSearch), 'instance:node_cpu_utilisation');
    await page.click(sel(u.metricRow, { name: 'instance:node_cpu_utilisation:rate5m' }));
    const link = await page.waitForSelector(byTestId(u.usedByLink));
    assert.match((await link.getAttribute('href')) ?? '', new RegExp(`^${grafana.url}/d/`));
    await page.fill(byTestId(u.metricsSearch), 'node_cpu_seconds_total');
    await page.click(sel(u.metricRow, { name: 'node_cpu_seconds_total' }));
    await page.waitForSelector(byTestId(u.usedByRow));
    await page.locator(sel(u.metricRow, { name: 'node_cpu_seconds_total' })).evaluate((e) => e.scrollIntoView());
    await browser.shot('usage-metric-detail');
    await page.fill(byTestId(u.metricsSearch), '');
    await page.waitForSelector(byTestId(u.metricsMore));
    await browser.shot('usage');
  });

  test('dark mode', async () => {
    await page.click(sel(testIds.header.themeToggle, { theme: 'light' }));
    await page.waitForSelector(sel(testIds.header.themeToggle, { theme: 'dark' }));
    await page.reload();
    await page.waitForSelector(byTestId(u.metricsTable));
    await settled();
    await browser.shot('usage');
    await page.fill(byTestId(u.metricsSearch), 'node_cpu_seconds_total');
    await page.click(sel(u.metricRow, { name: 'node_cpu_seconds_total' }));
    await page.waitForSelector(byTestId(u.usedByRow));
    await page.locator(sel(u.metricRow, { name: 'node_cpu_seconds_total' })).evaluate((e) => e.scrollIntoView());
    await browser.shot('usage-metric-detail');
    await page.fill(byTestId(u.metricsSearch), '');
    await openDialog('grafana_dashboard', 'x');
    await browser.shot('usage-add-dialog');
  });
});
