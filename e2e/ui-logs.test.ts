// The log studio in a real browser (headless Chromium) against a real `flowgate start`: paste real log lines,
// find the patterns, inspect one and its variables, take the suggested names, choose actions, see the
// generated collector config, preview through the real collector (when gateway/dist is built) with the
// saving per day and per backend, and save the actions as a template. Screenshots light and dark in
// e2e/artifacts/screenshots/logs-*.png. Selectors come only from packages/ui/src/lib/testids.ts.
import { describe, test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { testIds, byTestId } from '../packages/ui/src/lib/testids.ts';
import { startServer, repoRoot, type ServerProcess } from './lib/server.ts';
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
import sshd from '../packages/analysis/src/logs/corpus/sshd.json' with { type: 'json' };
import nginx from '../packages/analysis/src/logs/corpus/nginx.json' with { type: 'json' };

const hasCollector = existsSync(join(repoRoot, 'gateway/dist/otelcol-flowgate'));
// A realistic mix: sshd through syslog and nginx's access and error logs.
const SAMPLE = [...sshd.lines.slice(0, 500), ...nginx.lines.slice(0, 300), ...nginx.lines.slice(-200)].join('\n');
const INVALID_USER = 'Invalid user <*> from <*> port <*>';

describe('log studio', { skip, timeout: 300_000 }, () => {
  let db: TestDatabase;
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;

  before(async () => {
    ensureUiBuilt();
    db = await freshDatabase();
    server = await startServer(db.env);
    browser = await openBrowser();
    page = browser.page;
    await login(page, server.url, '/logs');
  });
  afterEach(async (t) => {
    await browser?.shotOnFailure(t as { name: string; passed?: boolean });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    await db?.drop();
  });

  const rowOf = (template: string) => sel(testIds.logs.patternRow, { template });

  test('a pasted sample becomes patterns, largest first', { timeout: 120_000 }, async () => {
    await page.waitForSelector(byTestId(testIds.logs.page));
    await page.fill(byTestId(testIds.logs.content), SAMPLE);
    await page.click(byTestId(testIds.logs.mine));
    await page.waitForSelector(byTestId(testIds.logs.patterns));
    const shares = await page.$$eval(byTestId(testIds.logs.patternRow), (rows) =>
      rows.map((r) => Number((r.querySelector('td span.tabular-nums')?.textContent ?? '0').replace('%', ''))),
    );
    assert.ok(shares.length >= 10, `${shares.length} patterns`);
    assert.deepEqual(
      shares,
      [...shares].sort((a, b) => b - a),
    );
    await page.waitForSelector(rowOf(INVALID_USER));
    // the sample was saved for the editor-admin and its period read from the timestamps
    const summary = (await page.textContent(byTestId(testIds.logs.summary))) ?? '';
    assert.match(summary, /1,?000|1k/);
    await browser.shot('logs-patterns');
  });

  test('a pattern shows its variables; suggested names can be taken', { timeout: 60_000 }, async () => {
    await page.click(rowOf(INVALID_USER));
    await page.waitForSelector(sel(testIds.logs.variableRow, { index: '0', name: 'user' }));
    await page.waitForSelector(sel(testIds.logs.variableRow, { index: '1', name: 'client_ip' }));
    await page.click(byTestId(testIds.logs.suggest));
    await page.waitForSelector(sel(testIds.logs.suggestion, { source: 'deterministic' }));
    await page.click(byTestId(testIds.logs.acceptSuggestion));
    await page.waitForSelector(sel(testIds.logs.variableRow, { index: '2', name: 'port' }));
    await page.locator(byTestId(testIds.logs.detail)).scrollIntoViewIfNeeded();
    await browser.shot('logs-pattern-detail');
  });

  test('actions become collector config: drop, sample, pattern to metric', { timeout: 60_000 }, async () => {
    // To metric for the invalid users, while its detail is open: counted by user only (the client IP unticked).
    await page.click(sel(testIds.logs.metricAttribute, { index: '1' }));
    await page.click(sel(testIds.logs.action, { kind: 'to_metric' }));
    // Drop the largest pattern, sample the second 1 in 20.
    const rows = await page.$$(byTestId(testIds.logs.patternRow));
    await rows[0]!.click();
    await page.click(sel(testIds.logs.action, { kind: 'drop' }));
    await rows[1]!.click();
    await page.fill(byTestId(testIds.logs.oneIn), '20');
    await page.click(sel(testIds.logs.action, { kind: 'sample' }));
    await page.waitForFunction((s) => document.querySelectorAll(s).length === 3, byTestId(testIds.logs.actionRow));
    const config = await page.waitForSelector(byTestId(testIds.logs.config));
    await page.waitForFunction(
      (s) => /probabilistic_sampler\//.test(document.querySelector(s)?.textContent ?? ''),
      byTestId(testIds.logs.config),
    );
    const text = (await config.textContent()) ?? '';
    assert.match(text, /filter\/drop_p[0-9a-f]+/);
    assert.match(text, /count\/to_metric_p[0-9a-f]+/);
    assert.match(text, /log\.pattern\.invalid_user_from/);
    assert.match(text, /key: user/);
    assert.doesNotMatch(text, /key: client_ip/);
    // the table shows which patterns have an action
    assert.match((await page.getAttribute(rowOf(INVALID_USER), 'data-action')) ?? '', /to_metric/);
  });

  test(
    'preview through the real collector: lines and bytes before/after, saving per day and per backend',
    { timeout: 120_000 },
    async () => {
      await page.click(byTestId(testIds.logs.preview));
      if (!hasCollector) {
        // Without the gateway build the preview says why it cannot run.
        await page.waitForSelector(byTestId(testIds.logs.previewError));
        return;
      }
      await page.waitForSelector(byTestId(testIds.logs.previewResult), { timeout: 90_000 });
      const share = (await page.textContent(byTestId(testIds.logs.savedShare))) ?? '';
      assert.match(share, /[1-9][\d.]*%/);
      const perDay = (await page.textContent(byTestId(testIds.logs.savedPerDay))) ?? '';
      assert.match(perDay, /\d/);
      for (const backend of ['datadog', 'google_cloud', 'grafana_cloud'])
        assert.match((await page.textContent(sel(testIds.logs.usd, { backend }))) ?? '', /\$\d/);
      assert.ok((await page.$$(byTestId(testIds.logs.previewPattern))).length >= 3);
      await page.locator(byTestId(testIds.logs.previewResult)).scrollIntoViewIfNeeded();
      await browser.shot('logs-preview');
    },
  );

  test('the actions are saved as a template', { timeout: 60_000 }, async () => {
    await page.click(byTestId(testIds.logs.saveTemplate));
    await page.fill(byTestId(testIds.logs.templateName), 'log-noise-cuts');
    await page.click(byTestId(testIds.logs.templateSave));
    await page.waitForSelector(byTestId(testIds.toast.item));
    const res = await page.evaluate(async () => {
      const token = sessionStorage.getItem('flowgate.accessToken') ?? localStorage.getItem('flowgate.accessToken');
      const r = await fetch('/api/v1/templates?limit=50', {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      return r.status === 200 ? ((await r.json()) as { items: { name: string; type: string }[] }).items : null;
    });
    if (res) assert.ok(res.some((t) => t.name === 'log-noise-cuts' && t.type === 'logs'));
  });

  test('light and dark screenshots of the studio', { timeout: 60_000 }, async () => {
    await page.click(sel(testIds.header.themeToggle, { theme: 'light' }));
    await page.waitForSelector(sel(testIds.header.themeToggle, { theme: 'dark' }));
    await page.evaluate(() => document.querySelector('main')?.scrollTo(0, 0));
    await browser.shot('logs-patterns');
    await page.locator(byTestId(testIds.logs.detail)).scrollIntoViewIfNeeded();
    await browser.shot('logs-pattern-detail');
    if (hasCollector) {
      await page.locator(byTestId(testIds.logs.previewResult)).scrollIntoViewIfNeeded();
      await browser.shot('logs-preview');
    }
    const files = readdirSync(SHOTS);
    for (const name of ['logs-patterns', 'logs-pattern-detail', ...(hasCollector ? ['logs-preview'] : [])])
      for (const theme of ['light', 'dark']) assert.ok(files.includes(`${name}-${theme}.png`), `${name}-${theme}.png`);
    assert.deepEqual(browser.pageErrors, []);
  });
});
