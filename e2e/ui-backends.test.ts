// The Backends pages in real Chromium against `flowgate start`: a Datadog backend created through the form
// generated from its schema (secret picker, live problems, rendered YAML), the list, a template composed
// from backends, and the template editor saying only the structure was checked (the server runs without a
// collector binary here). Screenshots light and dark in e2e/artifacts/screenshots/.
import { describe, test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { testIds, byTestId } from '../packages/ui/src/lib/testids.ts';
import { startServer, type ServerProcess } from './lib/server.ts';
import { freshDatabase, type TestDatabase } from './lib/database.ts';
import { ensureUiBuilt, login, openBrowser, sel, skipWithoutChromium as skip, type Browser } from './lib/browser.ts';

const B = testIds.backends;
const field = (key: string) => byTestId(`${B.field}-${key}`);

describe('Backends UI in a real browser', { skip }, () => {
  let db: TestDatabase | null = null;
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;

  before(async () => {
    ensureUiBuilt();
    db = await freshDatabase();
    // No collector here: validation can only check the structure, and the UI must say so.
    server = await startServer({ ...db.env, FLOWGATE_GATEWAY_BIN_DIR: mkdtempSync(join(tmpdir(), 'no-collector-')) });
    await server.api('PUT', '/api/v1/secrets', { name: 'DD_API_KEY', value: 'dd-ui-secret-value-0000' });
    await server.api('PUT', '/api/v1/secrets', { name: 'PROM_TOKEN', value: 'prom-ui-token' });
    await server.api('POST', '/api/v1/backends', {
      name: 'Prometheus (remote write)',
      type: 'backend.prometheus_remote_write',
      config: { endpoint: 'http://prometheus.internal:9090/api/v1/write', auth: 'bearer', token_secret: 'PROM_TOKEN' },
    });
    browser = await openBrowser();
    page = browser.page;
  });
  afterEach(async (t) => {
    await browser?.shotOnFailure(t as { name: string; passed?: boolean });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    await db?.drop();
  });

  test('create a Datadog backend from the generated form: secret picker, live problems, rendered YAML', async () => {
    await login(page, server.url, '/backends');
    await page.click(byTestId(B.nav));
    await page.waitForSelector(sel(B.row, { name: 'Prometheus (remote write)' }));
    await page.click(byTestId(B.create));
    await page.waitForSelector(byTestId(B.typePicker));
    await browser.shot('backends-new');
    await page.click(`${byTestId(B.typePicker)} [data-type="backend.datadog"]`);
    await page.waitForSelector(field('api_key_secret'));

    // Defaults need an API key: the live check says so at its path, and nothing renders yet.
    await page.waitForSelector(sel(B.problem, { code: 'REQUIRED', path: 'api_key_secret' }));
    assert.equal(await page.getAttribute(byTestId(B.yaml), 'data-valid'), 'false');
    await page.selectOption(field('api_key_secret'), 'DD_API_KEY');
    await page.selectOption(field('site'), 'datadoghq.eu');
    await page.waitForSelector(sel(B.problems, { count: '0' }));
    await page.waitForSelector(sel(B.yaml, { valid: 'true' }));
    const yaml = await page.textContent(byTestId(B.yaml));
    assert.match(yaml ?? '', /https:\/\/otlp\.datadoghq\.eu\/v1\/metrics/);
    assert.match(yaml ?? '', /dd-api-key: \$\{secret:DD_API_KEY\}/);
    assert.match(yaml ?? '', /cumulative_to_delta\/preview/);
    assert.doesNotMatch(await page.content(), /dd-ui-secret-value/, 'secret values never reach the page');

    // Agent mode hides the intake fields and shows the agent's.
    await page.selectOption(field('mode'), 'agent');
    await page.waitForSelector(field('agent_endpoint'));
    assert.equal(await page.$(field('api_key_secret')), null);
    await page.waitForSelector(sel(B.problem, { path: 'agent_endpoint' }));
    await page.selectOption(field('mode'), 'intake');
    await page.waitForSelector(sel(B.yaml, { valid: 'true' }));
    await page.fill(byTestId(B.name), 'Datadog EU');
    await browser.shot('backend-editor');
    await page.click(byTestId(B.save));
    await page.waitForSelector(sel(B.row, { name: 'Datadog EU' }));
    const row = sel(B.row, { name: 'Datadog EU' });
    assert.match((await page.textContent(row)) ?? '', /DD_API_KEY/);
    assert.match((await page.textContent(row)) ?? '', /metrics/);
    assert.doesNotMatch((await page.textContent(row)) ?? '', /traces/, 'the intake takes metrics and logs');
  });

  test('a missing secret is a problem at its field, with a link to create one', async () => {
    await page.goto(`${server.url}/backends/new?type=backend.otlp`);
    await page.waitForSelector(field('endpoint'));
    await page.fill(field('endpoint'), 'collector.example.com:4317');
    await page.click(byTestId(`${B.field}-headers-add`));
    await page.fill(`${field('headers')} input`, 'x-api-key');
    await page.waitForSelector(sel(B.problem, { path: 'headers[0].secret' }));
    assert.ok(await page.$(byTestId(B.createSecretLink)));
    await page.selectOption(`${field('headers')} select`, 'PROM_TOKEN');
    await page.waitForSelector(sel(B.yaml, { valid: 'true' }));
    assert.match((await page.textContent(byTestId(B.yaml))) ?? '', /x-api-key: \$\{secret:PROM_TOKEN\}/);
  });

  test('create a template from two backends: the editor says only the structure was checked', async () => {
    await page.goto(`${server.url}/backends`);
    await page.waitForSelector(sel(B.row, { name: 'Datadog EU' }));
    await page.check(`${sel(B.row, { name: 'Datadog EU' })} ${byTestId(B.select)}`);
    await page.check(`${sel(B.row, { name: 'Prometheus (remote write)' })} ${byTestId(B.select)}`);
    await browser.shot('backends');
    await page.click(byTestId(B.fromTemplate));
    await page.waitForSelector(byTestId(B.templateDialog));
    await page.fill(byTestId(B.templateName), 'datadog-and-prometheus');
    await page.click(byTestId(B.templateSubmit));
    await page.waitForSelector(byTestId(testIds.templateEditor.page));
    await page.waitForSelector(sel(testIds.templateEditor.validationStatus, { status: 'valid' }), { timeout: 30_000 });
    const status = await page.textContent(byTestId(testIds.templateEditor.validationStatus));
    assert.match(status ?? '', /Structure valid — the collector's own check did not run/);
    assert.doesNotMatch(status ?? '', /^\s*Valid/);
    assert.ok(await page.$(byTestId(B.structureOnly)));
    await browser.shot('template-from-backends');
  });

  test('dark mode: the Backends list and editor', async () => {
    await page.goto(`${server.url}/backends`);
    await page.waitForSelector(sel(B.row, { name: 'Datadog EU' }));
    await page.click(sel(testIds.header.themeToggle, { theme: 'light' }));
    await page.waitForSelector(sel(testIds.header.themeToggle, { theme: 'dark' }));
    await browser.shot('backends');
    await page.click(`${sel(B.row, { name: 'Datadog EU' })} ${byTestId(B.edit)}`);
    await page.waitForSelector(sel(B.yaml, { valid: 'true' }));
    await browser.shot('backend-editor');
    await page.goto(`${server.url}/backends/new`);
    await page.waitForSelector(byTestId(B.typePicker));
    await browser.shot('backends-new');
    assert.deepEqual(browser.pageErrors, []);
  });
});
