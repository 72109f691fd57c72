// Webhooks and alert rules in the UI (headless Chromium against `flowgate start`): create a webhook and see
// its signing secret once; a real receiver that fails once gets the delivery on the second attempt, and
// the deliveries table shows status, attempts, response codes and the error of each attempt; redeliver;
// an alert rule in settings. Screenshots light and dark: e2e/artifacts/screenshots/webhooks-*.png,
// webhook-*.png, alert-rules-*.png.
import { describe, test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { testIds, byTestId } from '../packages/ui/src/lib/testids.ts';
import { AgentCapability } from '@flowgate/opamp';
import { startServer, eventually, type ServerProcess } from './lib/server.ts';
import { TestAgent } from './lib/agent.ts';
import { freshDatabase, type TestDatabase } from './lib/database.ts';
import { ensureUiBuilt, login, openBrowser, sel, skipWithoutChromium as skip, type Browser } from './lib/browser.ts';

describe('webhooks and alert rules in the UI', { skip }, () => {
  let server: ServerProcess;
  let db: TestDatabase;
  let browser: Browser;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  // Answers 503 to the first delivery, then 200.
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (received.length === 1) res.writeHead(503).end('warming up');
      else res.writeHead(200).end('ok');
    });
  });
  let receiverUrl = '';
  let secret = '';
  const agents: TestAgent[] = [];

  before(async () => {
    ensureUiBuilt();
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks/flowgate`;
    db = await freshDatabase();
    server = await startServer({
      ...db.env,
      FLOWGATE_WEBHOOK_ALLOW_PRIVATE: 'true',
      FLOWGATE_WEBHOOK_RETRY_BASE_SECONDS: '1',
      FLOWGATE_PUBLIC_URL: 'https://flowgate.example.test',
    });
    browser = await openBrowser();
  });
  afterEach(async (t) => browser?.shotOnFailure(t as unknown as { name: string; passed?: boolean }));
  after(async () => {
    for (const a of agents) await a.stop().catch(() => undefined);
    await browser?.close();
    await server?.stop();
    await db?.drop().catch(() => undefined);
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
  });

  const text = async (selector: string) => ((await browser.page.textContent(selector)) ?? '').trim();
  const bothThemes = async (name: string) => {
    const { page } = browser;
    await browser.shot(name);
    await page.click(sel(testIds.header.themeToggle, { theme: 'light' }));
    await page.waitForSelector(sel(testIds.header.themeToggle, { theme: 'dark' }));
    await browser.shot(name);
    await page.click(sel(testIds.header.themeToggle, { theme: 'dark' }));
    await page.waitForSelector(sel(testIds.header.themeToggle, { theme: 'light' }));
  };

  test('create a webhook: the signing secret is shown once, the list shows it masked', async () => {
    const { page } = browser;
    await login(page, server.url, '/settings?tab=webhooks');
    await page.waitForSelector(byTestId(testIds.app.emptyState));
    await page.click(`${byTestId(testIds.app.emptyState)} ${byTestId(testIds.webhooks.create)}`);
    await page.fill(byTestId(testIds.webhooks.createName), 'ci-receiver');
    await page.fill(byTestId(testIds.webhooks.createUrl), receiverUrl);
    await page.check(`${sel(testIds.webhooks.createEvent, { pattern: 'template.*' })} input`);
    await page.check(`${sel(testIds.webhooks.createEvent, { pattern: 'deployment.*' })} input`);
    await browser.shot('webhook-create');
    await page.click(byTestId(testIds.webhooks.createSubmit));
    secret = await text(byTestId(testIds.webhooks.secret));
    assert.match(secret, /^fgw_[\w-]{40,}$/);
    // The theme toggle sits behind the dialog: the dark shot of this dialog is taken at the rotation below.
    await browser.shot('webhook-secret');
    await page.click(byTestId(testIds.webhooks.secretDone));
    const row = sel(testIds.webhooks.row, { name: 'ci-receiver' });
    await page.waitForSelector(row);
    assert.equal(await page.getAttribute(row, 'data-status'), 'enabled');
    assert.ok(!(await text(byTestId(testIds.webhooks.list))).includes(secret), 'the secret is not in the list');
    // The secret is gone for good: the API does not return it either.
    const list = await server.api('GET', '/api/v1/webhooks');
    assert.equal(JSON.stringify(list.body).includes(secret), false);
  });

  test('a receiver failing once: the deliveries show both attempts, their answers, and redeliver works', async () => {
    const { page } = browser;
    const t = await server.api('POST', '/api/v1/templates', {
      name: 'checkout-metrics',
      config_yaml: 'exporters:\n  debug: {}\n',
    });
    assert.equal(t.status, 201);
    await eventually(async () => received.length >= 2, 30_000);
    const last = received[received.length - 1]!;
    assert.equal(
      last.headers['x-flowgate-signature'],
      `sha256=${createHmac('sha256', secret).update(last.body).digest('hex')}`,
    );
    await page.click(`${sel(testIds.webhooks.row, { name: 'ci-receiver' })} a`);
    await page.waitForSelector(byTestId(testIds.webhooks.detail));
    const row = sel(testIds.webhooks.deliveryRow, { event: 'template.created' });
    await page.waitForSelector(`${row}[data-status="delivered"]`);
    assert.match(await text(row), /Template checkout-metrics created/);
    await page.click(`${row} ${byTestId(testIds.webhooks.deliveryExpand)}`);
    await page.waitForSelector(sel(testIds.webhooks.attemptRow, { attempt: '2' }));
    assert.equal(await page.getAttribute(sel(testIds.webhooks.attemptRow, { attempt: '1' }), 'data-code'), '503');
    assert.equal(await page.getAttribute(sel(testIds.webhooks.attemptRow, { attempt: '2' }), 'data-code'), '200');
    assert.match(await text(sel(testIds.webhooks.attemptRow, { attempt: '1' })), /the receiver answered 503/);
    await bothThemes('webhook-deliveries');

    await page.click(`${row} ${byTestId(testIds.webhooks.redeliver)}`);
    await page.waitForSelector(sel(testIds.webhooks.attemptRow, { attempt: '3' }), { timeout: 20_000 });
    assert.equal(await page.getAttribute(sel(testIds.webhooks.attemptRow, { attempt: '3' }), 'data-code'), '200');
    assert.equal(received.length, 3);
    assert.equal(received[2]!.headers['x-flowgate-delivery'], received[0]!.headers['x-flowgate-delivery']);

    // A test event from the page reaches the receiver and the table.
    await page.click(byTestId(testIds.webhooks.test));
    await page.waitForSelector(sel(testIds.webhooks.deliveryRow, { event: 'webhook.test', status: 'delivered' }), {
      timeout: 20_000,
    });
    assert.equal(JSON.parse(received[received.length - 1]!.body).type, 'webhook.test');

    // Rotate the secret (in the dark theme): the new one is shown once, in the same dialog.
    await page.click(sel(testIds.header.themeToggle, { theme: 'light' }));
    await page.waitForSelector(sel(testIds.header.themeToggle, { theme: 'dark' }));
    await page.click(byTestId(testIds.webhooks.rotate));
    const rotated = await text(byTestId(testIds.webhooks.secret));
    assert.match(rotated, /^fgw_/);
    assert.notEqual(rotated, secret);
    await browser.shot('webhook-secret');
    await page.click(byTestId(testIds.webhooks.secretDone));
    await page.click(sel(testIds.header.themeToggle, { theme: 'dark' }));
    await page.waitForSelector(sel(testIds.header.themeToggle, { theme: 'light' }));
  });

  test('the webhooks list with its last delivery and the recent events', async () => {
    const { page } = browser;
    const slack = await server.api('POST', '/api/v1/webhooks', {
      name: 'slack-platform',
      url: 'https://hooks.slack.com/services/T0000/B0000/abcdefghijklmnopqrstuvwx',
      events: ['deployment.failed', 'alert.*'],
      format: 'slack',
    });
    assert.equal(slack.status, 201);
    await page.goto(`${server.url}/settings?tab=webhooks`);
    await page.waitForSelector(sel(testIds.webhooks.row, { name: 'slack-platform' }));
    assert.match(await text(sel(testIds.webhooks.row, { name: 'slack-platform' })), /services\/T0000\/B0000\/abc••••/);
    assert.match(await text(sel(testIds.webhooks.row, { name: 'ci-receiver' })), /Delivered/);
    await bothThemes('webhooks');
  });

  test('alert rules in settings: create one, turn it off and on', async () => {
    const { page } = browser;
    await page.goto(`${server.url}/settings?tab=alerts`);
    await page.fill(byTestId(testIds.alertRules.createName), 'Gateways away');
    await page.selectOption(byTestId(testIds.alertRules.createKind), 'gateway_unhealthy');
    await page.fill(sel(testIds.alertRules.param, { param: 'minutes' }), '10');
    await page.click(byTestId(testIds.alertRules.createSubmit));
    const row = sel(testIds.alertRules.row, { name: 'Gateways away' });
    await page.waitForSelector(row);
    assert.match(await text(row), /longer than 10 min/);
    await page.fill(byTestId(testIds.alertRules.createName), 'Failed rollouts');
    await page.selectOption(byTestId(testIds.alertRules.createKind), 'rollout_failed');
    await page.click(byTestId(testIds.alertRules.createSubmit));
    await page.waitForSelector(sel(testIds.alertRules.row, { name: 'Failed rollouts' }));
    await page.click(`${row} ${byTestId(testIds.alertRules.toggle)}`);
    await page.waitForSelector(`${row}[data-enabled="false"]`);
    await page.click(`${row} ${byTestId(testIds.alertRules.toggle)}`);
    await page.waitForSelector(`${row}[data-enabled="true"]`);
    const rules = await server.api('GET', '/api/v1/alert-rules');
    assert.deepEqual(rules.body.items.find((r: { name: string }) => r.name === 'Gateways away').params, {
      minutes: 10,
    });
    await bothThemes('alert-rules');
    assert.deepEqual(browser.pageErrors, []);
  });

  test('a rollout paused by the data-plane gate shows the figures that paused it', async () => {
    const { page } = browser;
    const token = (await server.api('POST', '/api/v1/registration-tokens', { name: 'ui-dp', expires_in_days: 1 })).body
      .token;
    // Simulated gateways that report own telemetry: the server offers them where and with which token.
    const ids: Record<string, string> = {};
    const auth: Record<string, string> = {};
    for (const name of ['edge-eu-1', 'edge-eu-2']) {
      const agent = new TestAgent({
        url: `${server.url.replace('http', 'ws')}/v1/opamp`,
        token,
        hostName: name,
        extraCapabilities: AgentCapability.ReportsOwnMetrics,
      });
      agents.push(agent);
      await agent.start();
      const g = await eventually(async () => (await server.api('GET', `/api/v1/gateways?name=${name}`)).body.items[0]);
      ids[name] = g.id;
      const offer = await eventually(async () => agent.received.find((m) => m.connectionSettings?.ownMetrics));
      auth[g.id] = offer.connectionSettings!.ownMetrics!.headers!.headers.find((h) => h.key === 'Authorization')!.value;
      await server.api('PUT', `/api/v1/gateways/${g.id}/tags`, { tags: { ring: 'eu' } });
    }
    const ownMetrics = async (id: string, received: number, sent: number | null, uptime: number) => {
      const sum = (name: string, value: number) => ({
        name,
        sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [{ asDouble: value }] },
      });
      const metrics = [sum('otelcol_receiver_accepted_metric_points', received), sum('otelcol_process_uptime', uptime)];
      if (sent !== null) metrics.push(sum('otelcol_exporter_sent_metric_points', sent));
      const r = await fetch(`${server.url}/v1/metrics`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth[id]! },
        body: JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics }] }] }),
      });
      assert.equal(r.status, 200);
    };
    for (const id of Object.values(ids)) await ownMetrics(id, 5000, 5000, 900);
    const yaml = (endpoint: string) =>
      `receivers:\n  otlp:\n    protocols:\n      http: {}\nexporters:\n  otlphttp:\n    endpoint: ${endpoint}\n` +
      'service:\n  pipelines:\n    metrics:\n      receivers: [otlp]\n      exporters: [otlphttp]\n';
    const t = (
      await server.api('POST', '/api/v1/templates', { name: 'eu-edge', config_yaml: yaml('https://mimir.example.com') })
    ).body;
    await server.api('POST', `/api/v1/templates/${t.id}/versions`, { config_yaml: yaml('http://10.9.9.9:4318') });
    const d = (
      await server.api('POST', '/api/v1/deployments', {
        name: 'eu exporter move',
        template_id: t.id,
        version: 2,
        target: { tags: { ring: 'eu' } },
        strategy: { type: 'canary', batches: [50, 100], soak_seconds: 8 },
      })
    ).body;
    const canary = d.targets.find((x: { batch: number }) => x.batch === 0).gateway_id as string;
    await eventually(async () =>
      (await server.api('GET', `/api/v1/deployments/${d.id}`)).body.targets.some(
        (x: { gateway_id: string; status: string }) => x.gateway_id === canary && x.status === 'applied',
      ),
    );
    await ownMetrics(canary, 1840, null, 11);
    await eventually(
      async () => (await server.api('GET', `/api/v1/deployments/${d.id}`)).body.status === 'paused',
      30_000,
    );
    await page.goto(`${server.url}/deployments/${d.id}`);
    await page.waitForSelector(byTestId(testIds.dataPlane.figures));
    const finding = byTestId(testIds.dataPlane.finding);
    assert.equal(await page.getAttribute(finding, 'data-check'), 'out_zero');
    assert.match(await text(finding), /Nothing sent out\s*metric_points\s*1\.8k\s*0/);
    assert.match(
      await text(byTestId(testIds.deploymentDetail.reason)),
      /received 1,840 metric points but sent none out/,
    );
    await bothThemes('deployment-data-plane');
  });
});
