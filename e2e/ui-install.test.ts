// The install command in the UI (headless Chromium against `flowgate start`): the dashboard's first-run
// guide, the token dialog and the supervisor-config panel show `curl -fsSL <server>/install.sh | sh -s --
// --registration-token …` with the server's public URL (FLOWGATE_PUBLIC_URL, not the browser's address),
// and say so when the server has no gateway build for the script to download. Screenshots light and dark:
// e2e/artifacts/screenshots/install-*.png.
import { describe, test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testIds, byTestId } from '../packages/ui/src/lib/testids.ts';
import { startServer, type ServerProcess } from './lib/server.ts';
import { freshDatabase, type TestDatabase } from './lib/database.ts';
import { ensureUiBuilt, login, openBrowser, sel, skipWithoutChromium as skip, type Browser } from './lib/browser.ts';

const PUBLIC_URL = 'https://flowgate.example.test:8443';
const hostArch = process.arch === 'x64' ? 'amd64' : process.arch;

describe('the gateway install command in the UI', { skip }, () => {
  let server: ServerProcess;
  let db: TestDatabase;
  let browser: Browser;
  const build = mkdtempSync(join(tmpdir(), 'flowgate-ui-install-build-'));

  before(async () => {
    ensureUiBuilt();
    db = await freshDatabase();
    // The gateway build starts empty: the server has nothing for the install script to download yet.
    server = await startServer({ ...db.env, FLOWGATE_PUBLIC_URL: PUBLIC_URL, FLOWGATE_GATEWAY_BIN_DIR: build });
    browser = await openBrowser();
  });
  afterEach(async (t) => browser?.shotOnFailure(t as unknown as { name: string; passed?: boolean }));
  after(async () => {
    await browser?.close();
    await server?.stop();
    await db?.drop().catch(() => undefined);
    rmSync(build, { recursive: true, force: true });
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

  test('first run: the dashboard guide shows the install command and warns that there is no gateway build', async () => {
    const { page } = browser;
    await login(page, server.url, '/');
    await page.waitForSelector(byTestId(testIds.dashboard.onboarding));
    await page.waitForSelector(byTestId(testIds.gatewayInstall.buildMissing));
    assert.equal(
      await text(byTestId(testIds.agents.startCommand)),
      `$ curl -fsSL ${PUBLIC_URL}/install.sh | sh -s -- --registration-token <token>`,
      'the public URL of the server, not the address the browser used',
    );
    assert.ok(!(await text(byTestId(testIds.agents.startCommand))).includes('npx'), 'no npx flowgate');
    assert.match(await text(byTestId(testIds.gatewayInstall.buildMissing)), /npm run gateway:build/);
    // …and the script that command fetches has the same URL baked in.
    const script = await (await fetch(`${server.url}/install.sh`)).text();
    assert.match(script, new RegExp(`^FLOWGATE_SERVER='${PUBLIC_URL.replace(/\./g, '\\.')}'$`, 'm'));
    await bothThemes('install-dashboard-no-build');
  });

  test('with a gateway build: the warning is gone, the platforms and the options are shown', async () => {
    const { page } = browser;
    for (const bin of ['otelcol-flowgate', 'opampsupervisor'])
      writeFileSync(join(build, bin), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    await page.reload();
    await page.waitForSelector(byTestId(testIds.gatewayInstall.platforms));
    assert.equal(await page.$(byTestId(testIds.gatewayInstall.buildMissing)), null);
    assert.match(await text(byTestId(testIds.gatewayInstall.platforms)), new RegExp(`linux-${hostArch}`));
    await page.click(`${byTestId(testIds.gatewayInstall.options)} summary`);
    assert.match(await text(byTestId(testIds.gatewayInstall.options)), /--no-service.*foreground/s);
    await bothThemes('install-dashboard');
  });

  test('a new registration token: the dialog shows the install command with that token', async () => {
    const { page } = browser;
    await page.click(byTestId(testIds.nav.tokens));
    // The dialog is modal (the theme toggle is behind it): one token per theme.
    for (const theme of ['light', 'dark']) {
      await page.click(byTestId(testIds.tokens.create));
      await page.fill(byTestId(testIds.tokens.createName), `eu-west hosts (${theme})`);
      await page.click(byTestId(testIds.tokens.createSubmit));
      const token = await text(byTestId(testIds.tokens.plaintext));
      assert.match(token, /^fgr_/);
      assert.equal(
        await text(byTestId(testIds.tokens.command)),
        `$ curl -fsSL ${PUBLIC_URL}/install.sh | sh -s -- --registration-token ${token}`,
      );
      await browser.shot('install-token-created');
      await page.keyboard.press('Escape');
      await page.waitForSelector(byTestId(testIds.tokens.plaintext), { state: 'detached' });
      await page.click(sel(testIds.header.themeToggle, { theme }));
      await page.waitForSelector(sel(testIds.header.themeToggle, { theme: theme === 'light' ? 'dark' : 'light' }));
    }
  });

  test('the supervisor-config panel offers the install script for a new host, with the name', async () => {
    const { page } = browser;
    await page.fill(byTestId(testIds.tokens.supervisorName), 'edge-7');
    await page.click(byTestId(testIds.tokens.supervisorGenerate));
    await page.waitForSelector(byTestId(testIds.gatewayInstall.supervisorInstall));
    assert.match(
      await text(byTestId(testIds.gatewayInstall.supervisorInstall)),
      new RegExp(
        `curl -fsSL ${PUBLIC_URL.replace(/\./g, '\\.')}/install\\.sh \\| sh -s -- ` +
          '--registration-token <registration token> --name edge-7',
      ),
    );
    assert.match(await text(byTestId(testIds.tokens.supervisorYaml)), /flowgate\.gateway\.name: "edge-7"/);
    await page.locator(byTestId(testIds.gatewayInstall.supervisorInstall)).scrollIntoViewIfNeeded();
    await bothThemes('install-supervisor-config');
  });
});
